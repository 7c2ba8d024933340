/**
 * Parse and execution errors of Go templates, formatted as Go's text/template formats them:
 * `template: <name>:<line>:<col>: <message>` (parse) or
 * `template: <name>:<line>:<col>: executing "<name>" at <<node>>: <message>` (execution).
 */
export class TemplateError extends Error {
  readonly templateName: string;
  readonly line: number;
  readonly column: number;

  constructor(message: string, templateName: string, line: number, column: number) {
    super(message);
    this.name = 'TemplateError';
    this.templateName = templateName;
    this.line = line;
    this.column = column;
  }
}
