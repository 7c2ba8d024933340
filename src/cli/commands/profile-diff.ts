import { NotImplementedError } from '../../core/errors.js';

/** Placeholder until its issue lands: says so plainly and exits non-zero. */
export async function run(): Promise<void> {
  throw new NotImplementedError('profile diff');
}
