/**
 * Terminal capabilities: colour and spinners only on a TTY, never when NO_COLOR is set
 * (https://no-color.org: any non-empty value) or TERM=dumb, and never with --no-color.
 */
let colorDisabledByFlag = false;

export function disableColor(): void {
  colorDisabledByFlag = true;
}

export function colorEnabled(stream: NodeJS.WriteStream = process.stderr): boolean {
  if (colorDisabledByFlag) return false;
  const noColor = process.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  if (process.env.TERM === 'dumb') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/**
 * Spinners redraw a line in place, so they need an interactive terminal on stderr; NO_COLOR and
 * --no-color also turn them off (whoever asks for plain output wants plain lines, not animation).
 */
export function interactiveStderr(): boolean {
  const noColor = process.env.NO_COLOR;
  if (colorDisabledByFlag || (noColor !== undefined && noColor !== '')) return false;
  return process.stderr.isTTY === true && process.env.TERM !== 'dumb' && process.env.CI === undefined;
}

type Paint = (text: string) => string;
const sgr = (open: number, close: number): Paint => (text) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

/** A tiny palette; chalk is used where richer styling is needed, this keeps start-up cheap. */
export interface Palette {
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  bold: Paint;
  dim: Paint;
}

export function palette(stream: NodeJS.WriteStream = process.stderr): Palette {
  if (!colorEnabled(stream)) {
    return { red: plain, green: plain, yellow: plain, cyan: plain, bold: plain, dim: plain };
  }
  return {
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    bold: sgr(1, 22),
    dim: sgr(2, 22),
  };
}
