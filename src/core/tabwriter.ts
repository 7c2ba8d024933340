/**
 * Go's text/tabwriter with padchar ' ' and no flags, the way istioctl builds every table:
 * cells end at '\t', a column is as wide as its widest cell in a block of consecutive
 * lines that have it, plus `padding`. Every tab-terminated cell is padded, empty ones too,
 * which is where istioctl's trailing spaces come from. The last cell of a line never is.
 */
export interface TabwriterOptions {
  minwidth: number;
  padding: number;
}

/** Widths count code points, as Go counts runes. */
const width = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export function tabwrite(text: string, opts: TabwriterOptions): string {
  const raw = text.split('\n');
  const lines = raw.map((l) => l.split('\t'));
  const cellWidths = lines.map((cells) => cells.map(width));
  const widths: number[] = [];
  const out: string[] = [];

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i]!;
      let s = '';
      for (let j = 0; j < cells.length; j++) {
        s += cells[j];
        if (j < widths.length && j < cells.length - 1) s += ' '.repeat(Math.max(0, widths[j]! - cellWidths[i]![j]!));
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row]!.length - 1) continue;
      writeLines(line0, row);
      line0 = row;
      let w = opts.minwidth;
      for (; row < line1; row++) {
        if (column >= lines[row]!.length - 1) break;
        w = Math.max(w, cellWidths[row]![column]! + opts.padding);
      }
      widths.push(w);
      format(line0, row);
      widths.pop();
      line0 = row;
      row--; // the loop's row++ must look at the line that ended the block again
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n');
}

/** Collects rows the way istioctl's Fprintf calls do, then aligns them. */
export class TabWriter {
  private readonly rows: string[] = [];
  constructor(private readonly opts: TabwriterOptions) {}

  /** One line: cells joined by tabs, newline-terminated. */
  row(...cells: (string | number | boolean)[]): this {
    this.rows.push(cells.map(String).join('\t'));
    return this;
  }

  toString(): string {
    return this.rows.length === 0 ? '' : tabwrite(this.rows.join('\n') + '\n', this.opts);
  }
}
