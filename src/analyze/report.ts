/**
 * Turning findings into output: istioctl's log lines and JSON/YAML shapes, plus SARIF 2.1.0
 * and GitHub workflow annotations. Thresholds apply the same way to every format.
 */
import { formatStructured } from '../core/structured.js';
import { VERSION } from '../version/build-info.js';
import { documentationUrl, MESSAGE_TYPES, severity, type Level } from './messages.js';

export interface Finding {
  code: string;
  level: Level;
  /** `Kind ns/name`, or undefined for findings about no resource. */
  origin?: string;
  /** `file:line` for file resources. */
  reference?: string;
  file?: string;
  line?: number;
  kind?: string;
  message: string;
  documentationUrl: string;
  analyzer: string;
  /** The cluster of the resource, in a multi-cluster analysis. */
  cluster?: string;
}

export const OUTPUT_FORMATS = ['log', 'json', 'yaml', 'sarif', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** By cluster, then errors first, by code, resource and line; identical findings (same text and line) once. */
export function sortFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const key = `${f.cluster}|${f.code}|${f.origin}|${f.reference}|${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.cluster ?? '').localeCompare(b.cluster ?? '') || severity(b.level) - severity(a.level) || a.code.localeCompare(b.code) || (a.origin ?? '').localeCompare(b.origin ?? '') || (a.line ?? 0) - (b.line ?? 0) || a.message.localeCompare(b.message));
}

export function atLeast(findings: readonly Finding[], threshold: Level): Finding[] {
  return findings.filter((f) => severity(f.level) >= severity(threshold));
}

export interface RenderOptions {
  color: boolean;
}

export function render(findings: readonly Finding[], format: OutputFormat, options: RenderOptions): string {
  switch (format) {
    case 'log':
      return renderLog(findings, options.color);
    case 'json':
      return JSON.stringify(findings.map(istioctlShape), null, '\t') + '\n';
    case 'yaml':
      return findings.length === 0 ? '[]\n' : formatStructured(findings.map(istioctlShape), 'yaml');
    case 'sarif':
      return JSON.stringify(sarif(findings), null, 2) + '\n';
    case 'github':
      return findings.map(githubLine).join('');
  }
}

function istioctlShape(f: Finding): Record<string, string> {
  const out: Record<string, string> = { code: f.code, level: f.level };
  if (f.origin) out.origin = f.origin;
  if (f.reference) out.reference = f.reference;
  out.message = f.message;
  out.documentationUrl = f.documentationUrl;
  if (f.cluster) out.cluster = f.cluster;
  return out;
}

function renderLog(findings: readonly Finding[], color: boolean): string {
  const paint = (level: Level) => (!color ? level : level === 'Error' ? `\u001b[1;31m${level}\u001b[0m` : level === 'Warning' ? `\u001b[33m${level}\u001b[0m` : level);
  const lines = findings.map((f) => {
    const where = f.origin ? ` (${f.origin}${f.reference ? ` ${f.reference}` : ''})` : '';
    return `${paint(f.level)} [${f.code}]${f.cluster ? ` [cluster-${f.cluster}]` : ''}${where} ${f.message}`;
  });
  return lines.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Level, string> = { Error: 'error', Warning: 'warning', Info: 'note' };

function sarif(findings: readonly Finding[]) {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sailctl',
            version: VERSION,
            informationUri: 'https://istio.io/latest/docs/reference/config/analysis/',
            rules: codes.map((code) => {
              const t = MESSAGE_TYPES.get(code)!;
              return {
                id: code,
                name: t.name,
                shortDescription: { text: t.description },
                helpUri: documentationUrl(code),
                defaultConfiguration: { level: SARIF_LEVEL[t.level] },
              };
            }),
          },
        },
        results: findings.map((f) => {
          const location: Record<string, unknown> = {};
          if (f.file && f.file !== '<stdin>') location.physicalLocation = { artifactLocation: { uri: f.file.replace(/\\/g, '/').replace(/^\.\//, '') }, region: { startLine: f.line ?? 1 } };
          if (f.origin) location.logicalLocations = [{ fullyQualifiedName: f.origin, kind: 'resource' }];
          return {
            ruleId: f.code,
            ruleIndex: ruleIndex.get(f.code),
            level: SARIF_LEVEL[f.level],
            message: { text: f.origin ? `${f.message} (${f.origin})` : f.message },
            ...(Object.keys(location).length > 0 ? { locations: [location] } : {}),
          };
        }),
      },
    ],
  };
}

const GITHUB_LEVEL: Record<Level, string> = { Error: 'error', Warning: 'warning', Info: 'notice' };
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function githubLine(f: Finding): string {
  const props: string[] = [];
  if (f.file && f.file !== '<stdin>') props.push(`file=${escapeProperty(f.file.replace(/^\.\//, ''))}`);
  if (f.file && f.line) props.push(`line=${f.line}`);
  props.push(`title=${escapeProperty(`${f.code} ${MESSAGE_TYPES.get(f.code)?.name ?? ''}`.trim())}`);
  const text = `[${f.code}]${f.origin ? ` (${f.origin})` : ''} ${f.message}`;
  return `::${GITHUB_LEVEL[f.level]} ${props.join(',')}::${escapeData(text)}\n`;
}
