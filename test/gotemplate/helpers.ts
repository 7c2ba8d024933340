import { parseTemplate, type ParseOptions } from '../../src/gotemplate/index.js';

/** Renders `text` against `data` (a fresh name per call keeps the cache out of the way). */
export function render(text: string, data: unknown = {}, options?: ParseOptions): string {
  return parseTemplate('t', text, options).execute(data);
}

/** The message of the error thrown while parsing or executing. */
export function errorOf(text: string, data: unknown = {}, options?: ParseOptions): string {
  try {
    render(text, data, options);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`expected an error from ${JSON.stringify(text)}`);
}

export type Case = [template: string, data: unknown, expected: string];
