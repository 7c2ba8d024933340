/**
 * The generated corpus of bad and unusual inputs. Each case builds its file from a plain,
 * valid document of the shape a command reads (a Deployment for kube-inject/analyze/validate,
 * an IstioOperator for manifest generate/install/profile dump) and states what the rules say
 * must happen: exit 0 for unusual-but-valid input (BOM, CRLF, JSON, aliases, depth at the
 * limit), else exit 65 with a message naming the file, the line and the rule. Expectations
 * come from the rules (yaml/limits.ts, the README), never from running sailctl.
 */
export type Shape = 'workload' | 'operator';

export type Expectation =
  | { code: 0 }
  | {
      code: 65;
      /** Must match a line of stderr; `FILE` in the source stands for the file name. */
      message: RegExp;
      /** When the message's line number may be any of a range (alias expansion crosses somewhere). */
      lineIn?: [number, number];
    };

export interface InputCase {
  id: string;
  /** Shapes the case applies to (default: both). */
  shapes?: Shape[];
  /** File extension (the readers of directories care). */
  ext?: '.yaml' | '.json';
  make(shape: Shape): { bytes: Buffer; expect: Expectation };
}

/** The valid base documents; line 4 is `  name: ...` in both. */
export const BASE: Record<Shape, string[]> = {
  workload: [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  namespace: default',
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      app: web',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: web',
    '        version: v1',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx:1.27',
    '          ports:',
    '            - containerPort: 8080',
  ],
  operator: [
    'apiVersion: install.istio.io/v1alpha1',
    'kind: IstioOperator',
    'metadata:',
    '  name: hostile',
    'spec:',
    '  profile: minimal',
    '  values:',
    '    global:',
    '      hub: docker.io/istio',
  ],
};

const text = (lines: string[]) => Buffer.from(lines.join('\n') + '\n', 'utf8');
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const located = (line: number, rest: string) => new RegExp(`FILE:${line}: ${rest}`);

/** A free-form place in each shape for extra content: a key appended to the top level (workload) or under spec.unvalidatedValues (operator). */
function withExtra(shape: Shape, extra: string[]): { lines: string[]; firstExtraLine: number } {
  if (shape === 'workload') {
    const lines = [...BASE.workload, ...extra];
    return { lines, firstExtraLine: BASE.workload.length + 1 };
  }
  const lines = [...BASE.operator, '  unvalidatedValues:', ...extra.map((l) => `    ${l}`)];
  return { lines, firstExtraLine: BASE.operator.length + 2 };
}

/** The depth of the collection holding the extra content's first key: root map, plus spec and unvalidatedValues for the operator. */
const extraDepth = (shape: Shape) => (shape === 'workload' ? 1 : 3);

const DEPTH_RULE = 'document 1 nests maps and lists deeper than 256 levels \\(the limit\\)';
const ALIAS_RULE = 'document 1 expands to more than 32 MiB through its aliases \\(the per-document limit, raised with SAILCTL_MAX_DOCUMENT_MB=<MiB>\\)';
const MALFORMED = (line: number) => new RegExp(`FILE:${line}:\\d+: malformed YAML in document 1`);

function utf8Case(id: string, bad: Buffer): InputCase {
  return {
    id,
    make(shape) {
      // the bad bytes end line 4's value: `  name: web<bad>`
      const before = BASE[shape].slice(0, 3).join('\n') + '\n' + BASE[shape][3];
      const after = '\n' + BASE[shape].slice(4).join('\n') + '\n';
      const bytes = Buffer.concat([Buffer.from(before, 'utf8'), bad, Buffer.from(after, 'utf8')]);
      const offset = Buffer.byteLength(before, 'utf8');
      return { bytes, expect: { code: 65, message: located(4, `invalid UTF-8 at byte offset ${offset} \\(byte 0x${bad[0]!.toString(16).padStart(2, '0')}\\)`) } };
    },
  };
}

function asJson(shape: Shape, indent: string | number): string {
  const value =
    shape === 'workload'
      ? {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default' },
          spec: {
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web', version: 'v1' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] } },
          },
        }
      : { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'hostile' }, spec: { profile: 'minimal', values: { global: { hub: 'docker.io/istio' } } } };
  return JSON.stringify(value, null, indent) + '\n';
}

export const CASES: InputCase[] = [
  // --- unusual but valid: must work -------------------------------------------------------
  { id: 'plain', make: (s) => ({ bytes: text(BASE[s]), expect: { code: 0 } }) },
  { id: 'bom', make: (s) => ({ bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text(BASE[s])]), expect: { code: 0 } }) },
  { id: 'crlf', make: (s) => ({ bytes: Buffer.from(BASE[s].join('\r\n') + '\r\n'), expect: { code: 0 } }) },
  { id: 'bom-crlf', make: (s) => ({ bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BASE[s].join('\r\n') + '\r\n')]), expect: { code: 0 } }) },
  {
    id: 'crlf-quoted-last-value',
    make: (s) => {
      // the document ends in a quoted value (workload: the image, moved last)
      const lines = s === 'workload' ? [...BASE.workload.slice(0, 17), '          image: "nginx:1.27"'] : [...BASE.operator.slice(0, -1), '      hub: "docker.io/istio"'];
      return { bytes: Buffer.from(lines.join('\r\n') + '\r\n'), expect: { code: 0 } };
    },
  },
  { id: 'json-pretty', ext: '.json', make: (s) => ({ bytes: Buffer.from(asJson(s, 2)), expect: { code: 0 } }) },
  { id: 'json-tabs', ext: '.json', make: (s) => ({ bytes: Buffer.from(asJson(s, '\t')), expect: { code: 0 } }) },
  { id: 'json-one-line', ext: '.json', make: (s) => ({ bytes: Buffer.from(asJson(s, 0)), expect: { code: 0 } }) },
  {
    id: 'separators-and-comments',
    make: (s) => ({ bytes: text(['# leading comment', '---', ...BASE[s].map((l, i) => (i === 1 ? `${l}  # trailing comment` : l)), '---', '']), expect: { code: 0 } }),
  },
  {
    id: 'anchors-reused',
    make: (s) => {
      const lines = [...BASE[s]];
      if (s === 'workload') {
        lines[8] = '      app: &app web';
        lines[12] = '        app: *app';
      } else {
        lines[8] = '      hub: &hub docker.io/istio';
        lines.push('    pilot:', '      image: *hub');
      }
      return { bytes: text(lines), expect: { code: 0 } };
    },
  },
  {
    id: 'unicode-text',
    make: (s) => ({ bytes: text(withExtra(s, ['note: "héllo ✓ 日本語 🚢"']).lines), expect: { code: 0 } }),
  },
  {
    id: 'depth-at-limit',
    make: (s) => {
      // nested maps up to depth 256 in all (1-space indentation keeps the file small)
      const levels = 256 - extraDepth(s);
      const extra = ['deep:', ...Array.from({ length: levels - 1 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`), `${' '.repeat(levels)}leaf: 1`];
      return { bytes: text(withExtra(s, extra).lines), expect: { code: 0 } };
    },
  },

  // --- nesting depth ------------------------------------------------------------------------
  {
    id: 'depth-block-maps',
    make: (s) => {
      const { lines, firstExtraLine } = withExtra(s, ['deep:', ...Array.from({ length: 400 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`), `${' '.repeat(401)}leaf: 1`]);
      // the map at depth d starts at the key on line firstExtraLine + (d - extraDepth - 1) + 1
      const line = firstExtraLine + (257 - extraDepth(s));
      return { bytes: text(lines), expect: { code: 65, message: located(line, DEPTH_RULE) } };
    },
  },
  {
    id: 'depth-block-seq-10000',
    make: (s) => {
      const { lines, firstExtraLine } = withExtra(s, ['deep:', `  ${'- '.repeat(10_000)}x`]);
      return { bytes: text(lines), expect: { code: 65, message: located(firstExtraLine + 1, DEPTH_RULE) } };
    },
  },
  {
    id: 'depth-flow-seq-10000',
    make: (s) => {
      const { lines, firstExtraLine } = withExtra(s, [`deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}`]);
      return { bytes: text(lines), expect: { code: 65, message: located(firstExtraLine, DEPTH_RULE) } };
    },
  },
  {
    id: 'depth-flow-map-10000',
    make: (s) => {
      const { lines, firstExtraLine } = withExtra(s, [`deep: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`]);
      return { bytes: text(lines), expect: { code: 65, message: located(firstExtraLine, DEPTH_RULE) } };
    },
  },

  // --- alias expansion ------------------------------------------------------------------------
  {
    id: 'alias-billion-laughs',
    make: (s) => {
      const extra = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i <= 9; i++) extra.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]`);
      const { lines, firstExtraLine } = withExtra(s, extra);
      return { bytes: text(lines), expect: { code: 65, message: new RegExp(`FILE:(\\d+): ${ALIAS_RULE}`), lineIn: [firstExtraLine + 1, firstExtraLine + 9] } };
    },
  },
  {
    id: 'alias-one-large-anchor-3000-uses',
    make: (s) => {
      const { lines, firstExtraLine } = withExtra(s, [`big: &big "${'a'.repeat(1024 * 1024)}"`, `uses: [${Array.from({ length: 3000 }, () => '*big').join(', ')}]`]);
      return { bytes: text(lines), expect: { code: 65, message: located(firstExtraLine + 1, ALIAS_RULE) } };
    },
  },

  // --- duplicate keys --------------------------------------------------------------------------
  {
    id: 'duplicate-key',
    make: (s) => {
      const lines = [...BASE[s]];
      lines.splice(4, 0, '  name: again');
      return { bytes: text(lines), expect: { code: 65, message: located(5, 'duplicate key "name" in document 1 \\(first at line 4\\)') } };
    },
  },
  {
    id: 'duplicate-key-nested',
    make: (s) => {
      const lines = [...BASE[s]];
      const at = s === 'workload' ? 13 : 9; // after `app: web` in the template labels / after `hub:`
      const key = s === 'workload' ? 'app' : 'hub';
      lines.splice(at, 0, s === 'workload' ? '        app: other' : '      hub: other.io/istio');
      return { bytes: text(lines), expect: { code: 65, message: located(at + 1, `duplicate key "${key}" in document 1 \\(first at line ${at}\\)`) } };
    },
  },
  {
    id: 'duplicate-key-json',
    ext: '.json',
    make: (s) => {
      const json = asJson(s, 2).split('\n');
      // `"kind": ...` is line 3 of the pretty JSON; repeat it as line 4
      json.splice(3, 0, json[2]!);
      return { bytes: Buffer.from(json.join('\n')), expect: { code: 65, message: located(4, 'duplicate key "kind" in document 1 \\(first at line 3\\)') } };
    },
  },

  // --- bytes that are not UTF-8 text ----------------------------------------------------------
  utf8Case('utf8-stray-byte', Buffer.from([0xff])),
  utf8Case('utf8-latin1-e-acute', Buffer.from([0xe9, 0x74, 0xe9])),
  utf8Case('utf8-overlong-slash', Buffer.from([0xc0, 0xaf])),
  utf8Case('utf8-surrogate', Buffer.from([0xed, 0xa0, 0x80])),
  utf8Case('utf8-cut-sequence', Buffer.from([0xe2, 0x82])),
  {
    id: 'utf16-with-bom',
    make: (s) => ({
      bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BASE[s].join('\n') + '\n', 'utf16le')]),
      expect: { code: 65, message: located(1, 'invalid UTF-8 at byte offset 0 \\(byte 0xff\\)') },
    }),
  },
  {
    id: 'nul-byte',
    make: (s) => {
      const before = BASE[s].slice(0, 4).join('\n') + '\n';
      return {
        bytes: Buffer.concat([Buffer.from(before), Buffer.from([0]), Buffer.from(BASE[s].slice(4).join('\n') + '\n')]),
        expect: { code: 65, message: located(5, `binary data is not YAML or JSON \\(a NUL byte at byte offset ${Buffer.byteLength(before)}\\)`) },
      };
    },
  },

  // --- keys that name JavaScript object machinery -----------------------------------------------
  {
    id: 'proto-key',
    make: (s) => {
      const lines = [...BASE[s]];
      lines.splice(4, 0, '  __proto__:', '    polluted: true');
      return { bytes: text(lines), expect: { code: 65, message: located(5, 'key "__proto__" in document 1 is not allowed') } };
    },
  },
  {
    id: 'proto-key-json',
    ext: '.json',
    make: (s) => {
      const json = asJson(s, 2).split('\n');
      json.splice(3, 0, '  "__proto__": {"polluted": true},');
      return { bytes: Buffer.from(json.join('\n')), expect: { code: 65, message: located(4, 'key "__proto__" in document 1 is not allowed') } };
    },
  },
  {
    id: 'constructor-key',
    shapes: ['operator'],
    make: () => ({
      bytes: text([...BASE.operator, '    constructor:', '      prototype:', '        hostNetwork: true']),
      expect: { code: 65, message: located(10, 'spec\\.values\\.constructor: key "constructor" is not allowed') },
    }),
  },

  // --- numbers that would change ------------------------------------------------------------------
  {
    id: 'integer-beyond-2^53',
    shapes: ['operator'],
    make: () => ({
      bytes: text([...BASE.operator, '    pilot:', '      replicaCount: 100000000000000000000000']),
      expect: { code: 65, message: located(11, `spec\\.values\\.pilot\\.replicaCount: the number ${esc(String(1e23))} is beyond ±2\\^53`) },
    }),
  },
  {
    id: 'infinity',
    shapes: ['operator'],
    make: () => ({
      bytes: text([...BASE.operator, '    pilot:', '      autoscaleMax: .inf']),
      expect: { code: 65, message: located(11, 'spec\\.values\\.pilot\\.autoscaleMax: the number Infinity is not a finite value') },
    }),
  },

  // --- syntax ---------------------------------------------------------------------------------------
  { id: 'syntax-unclosed-flow', make: (s) => ({ bytes: text([...BASE[s].slice(0, 3), '  name: web', '  labels: {a: b', ...BASE[s].slice(4)]), expect: { code: 65, message: /FILE:\d+:\d+: malformed YAML in document 1/ } }) },
  { id: 'syntax-unterminated-quote', make: (s) => ({ bytes: text([...BASE[s].slice(0, 3), '  name: "web', ...BASE[s].slice(4)]), expect: { code: 65, message: /FILE:\d+:\d+: malformed YAML in document 1/ } }) },
  { id: 'syntax-tab-indentation', make: (s) => ({ bytes: text([...BASE[s].slice(0, 3), '\tname: web', ...BASE[s].slice(4)]), expect: { code: 65, message: MALFORMED(4) } }) },
  { id: 'syntax-key-without-map', make: (s) => ({ bytes: text([...BASE[s].slice(0, 4), ' bad: indentation', ...BASE[s].slice(4)]), expect: { code: 65, message: /FILE:\d+:\d+: malformed YAML in document 1/ } }) },
];

/** A bad document after a good one: a streaming writer must not lose the good one, and never print half of the bad one. */
export const SECOND_DOCUMENT_CASES: InputCase[] = [
  {
    id: 'good-then-duplicate-key',
    shapes: ['workload'],
    make: () => {
      const good = BASE.workload.map((l) => l.replace('name: web', 'name: first'));
      const bad = [...BASE.workload];
      bad.splice(4, 0, '  name: again');
      const line = good.length + 1 + 4; // the bad document's `name:` (after `---`)
      return { bytes: text([...good, '---', ...bad]), expect: { code: 65, message: located(line + 1, `duplicate key "name" in document 2 \\(first at line ${line}\\)`) } };
    },
  },
  {
    id: 'good-then-deep',
    shapes: ['workload'],
    make: () => {
      const good = BASE.workload.map((l) => l.replace('name: web', 'name: first'));
      const line = good.length + 2 + BASE.workload.length + 1;
      return {
        bytes: text([...good, '---', ...BASE.workload, 'deep:', `  ${'- '.repeat(10_000)}x`]),
        expect: { code: 65, message: located(line, DEPTH_RULE.replace('document 1', 'document 2')) },
      };
    },
  },
];
