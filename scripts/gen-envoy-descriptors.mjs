// Generates src/proxy/generated/envoy-descriptors.mjs: the field layout (declaration order,
// numbers, types, oneofs, maps) of every Envoy v3 / xDS message, which `proxy-config -o json|yaml`
// needs to print a re-marshalled proto exactly as istioctl's jsonpb does (fields in declaration
// order, defaults left out, int64 as strings, map keys sorted).
//
// The .proto sources come from the npm package @grpc/grpc-js-xds, which vendors the Envoy API:
//   cd "$(mktemp -d)" && npm pack @grpc/grpc-js-xds@1.14.1 && tar xzf grpc-grpc-js-xds-1.14.1.tgz
//   node scripts/gen-envoy-descriptors.mjs "$PWD/package/deps"
// plus the few Istio proxy extension protos it lacks, kept in scripts/protos/.
//
// The parser below understands the subset of proto3 the Envoy API uses; options are skipped.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: node scripts/gen-envoy-descriptors.mjs <deps dir of @grpc/grpc-js-xds>\n');
  process.exit(64);
}
const sources = [join(root, 'envoy-api'), join(root, 'xds'), new URL('./protos', import.meta.url).pathname];

/** Packages that only carry options, or belong to API versions Envoy no longer serves. */
const SKIP_PACKAGE = /^(validate|udpa\.annotations|xds\.annotations\.v3|envoy\.annotations|google\.)|^envoy\..*\.v2(alpha\d*)?(\.|$)|^envoy\.api\.v2|^envoy\.service\.|^envoy\.config\.filter\.|^udpa\.(data|service)/;

function protoFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...protoFiles(p));
    else if (name.endsWith('.proto')) out.push(p);
  }
  return out;
}

// ---- tokenizer ----
function tokenize(text) {
  const tokens = [];
  const re = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][\w.]*|\.[A-Za-z_][\w.]*|-?\d[\w.+-]*|[{}()[\]<>;=,:.-]/gy;
  let m;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith('//') || t.startsWith('/*')) continue;
    tokens.push(t);
  }
  if (re.lastIndex < text.length) throw new Error(`cannot tokenize at ${text.slice(re.lastIndex, re.lastIndex + 40)}`);
  return tokens;
}

// ---- parser ----
function parseFile(text, file) {
  const t = tokenize(text);
  let i = 0;
  const peek = () => t[i];
  const next = () => t[i++];
  const expect = (v) => {
    const got = next();
    if (got !== v) throw new Error(`${file}: expected ${v}, got ${got} near ${t.slice(i - 5, i + 5).join(' ')}`);
  };
  /** Skips a balanced (...), [...] or {...} group, or a statement up to `;`. */
  const skipGroup = () => {
    const open = next();
    const close = { '(': ')', '[': ']', '{': '}' }[open];
    let depth = 1;
    while (depth > 0) {
      const x = next();
      if (x === open) depth++;
      else if (x === close) depth--;
    }
  };
  const skipStatement = () => {
    while (peek() !== ';') {
      if (peek() === '{' || peek() === '[' || peek() === '(') skipGroup();
      else next();
    }
    next();
  };
  const file_ = { pkg: '', messages: [], enums: [] };

  const parseFieldOptions = () => {
    // [ (x).y = {...}, json_name = "x", deprecated = true ]
    let jsonName;
    if (peek() !== '[') return jsonName;
    next();
    let depth = 1;
    while (depth > 0) {
      const x = next();
      if (x === '[' || x === '{' || x === '(') depth++;
      else if (x === ']' || x === '}' || x === ')') depth--;
      else if (depth === 1 && x === 'json_name') {
        expect('=');
        jsonName = JSON.parse(next());
      }
    }
    return jsonName;
  };

  const parseEnum = (scope) => {
    const name = next();
    const e = { name: `${scope}.${name}`.replace(/^\./, ''), values: [] };
    expect('{');
    while (peek() !== '}') {
      const x = peek();
      if (x === 'option' || x === 'reserved') {
        skipStatement();
        continue;
      }
      if (x === ';') {
        next();
        continue;
      }
      const vname = next();
      expect('=');
      const num = Number(next());
      parseFieldOptions();
      expect(';');
      e.values.push([vname, num]);
    }
    next();
    return e;
  };

  const parseMessage = (scope, out) => {
    const name = next();
    const full = `${scope}.${name}`.replace(/^\./, '');
    const msg = { name: full, fields: [], oneofs: [], scope: full };
    out.messages.push(msg);
    expect('{');
    const parseField = (oneof) => {
      let label = 0;
      if (peek() === 'repeated') {
        next();
        label = 1;
      } else if (peek() === 'optional') {
        next();
        label = 3;
      } else if (peek() === 'required') next();
      let type = next();
      let mapKey;
      if (type === 'map') {
        expect('<');
        mapKey = next();
        expect(',');
        type = next();
        expect('>');
        label = 2;
      }
      const fname = next();
      expect('=');
      const num = Number(next());
      const jsonName = parseFieldOptions();
      expect(';');
      msg.fields.push({ name: fname, number: num, label, type, mapKey, oneof, jsonName });
    };
    while (peek() !== '}') {
      const x = peek();
      if (x === ';') {
        next();
      } else if (x === 'option' || x === 'reserved' || x === 'extensions') {
        skipStatement();
      } else if (x === 'message') {
        next();
        parseMessage(full, out);
      } else if (x === 'enum') {
        next();
        out.enums.push(parseEnum(full));
      } else if (x === 'extend') {
        next();
        next();
        skipGroup();
      } else if (x === 'oneof') {
        next();
        const oname = next();
        const idx = msg.oneofs.push(oname) - 1;
        expect('{');
        while (peek() !== '}') {
          if (peek() === 'option') skipStatement();
          else if (peek() === ';') next();
          else parseField(idx);
        }
        next();
      } else {
        parseField(-1);
      }
    }
    next();
  };

  while (i < t.length) {
    const x = next();
    if (x === 'syntax' || x === 'import' || x === 'option' || x === 'edition') {
      i--;
      skipStatement();
    } else if (x === 'package') {
      file_.pkg = next();
      expect(';');
    } else if (x === 'message') {
      parseMessage(file_.pkg, file_);
    } else if (x === 'enum') {
      file_.enums.push(parseEnum(file_.pkg));
    } else if (x === 'service' || x === 'extend') {
      next();
      if (peek() !== '{') next();
      skipGroup();
    } else if (x === ';') {
      // stray
    } else {
      throw new Error(`${file}: unexpected ${x}`);
    }
  }
  return file_;
}

// ---- collect ----
const messages = new Map();
const enums = new Map();
for (const dir of sources) {
  for (const f of protoFiles(dir)) {
    const parsed = parseFile(readFileSync(f, 'utf8'), relative(dir, f));
    if (SKIP_PACKAGE.test(parsed.pkg)) continue;
    for (const m of parsed.messages) messages.set(m.name, m);
    for (const e of parsed.enums) enums.set(e.name, e);
  }
}

const SCALARS = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes']);
const WELL_KNOWN = new Set([
  'google.protobuf.Any', 'google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue', 'google.protobuf.Duration',
  'google.protobuf.Timestamp', 'google.protobuf.Empty', 'google.protobuf.FieldMask', 'google.protobuf.DoubleValue', 'google.protobuf.FloatValue',
  'google.protobuf.Int64Value', 'google.protobuf.UInt64Value', 'google.protobuf.Int32Value', 'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue', 'google.protobuf.StringValue', 'google.protobuf.BytesValue',
]);
const WELL_KNOWN_ENUMS = new Set(['google.protobuf.NullValue']);

/** Protobuf name resolution: innermost scope outwards. */
function resolve(name, scope) {
  if (SCALARS.has(name)) return { kind: 's', name };
  if (name.startsWith('.')) name = name.slice(1);
  const parts = scope.split('.');
  for (let n = parts.length; n >= 0; n--) {
    const candidate = [...parts.slice(0, n), name].filter(Boolean).join('.');
    if (messages.has(candidate) || WELL_KNOWN.has(candidate)) return { kind: 'm', name: candidate };
    if (enums.has(candidate) || WELL_KNOWN_ENUMS.has(candidate)) return { kind: 'e', name: candidate };
  }
  return undefined;
}

const outMessages = {};
const missing = new Set();
for (const [name, m] of messages) {
  outMessages[name] = m.fields.map((f) => {
    const r = resolve(f.type, m.scope);
    if (!r) missing.add(`${f.type} (in ${name})`);
    const type = r ? (r.kind === 's' ? r.name : `${r.kind}:${r.name}`) : 'raw';
    const entry = [f.name, f.number, f.label, f.label === 2 ? `${f.mapKey}|${type}` : type, f.oneof];
    if (f.jsonName) entry.push(f.jsonName);
    return entry;
  });
}
const outEnums = {};
for (const [name, e] of enums) outEnums[name] = Object.fromEntries(e.values.map(([n, v]) => [n, v]));

const json = JSON.stringify({ m: outMessages, e: outEnums });
const outDir = new URL('../src/proxy/generated/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(
  new URL('envoy-descriptors.mjs', outDir),
  `// Generated by scripts/gen-envoy-descriptors.mjs from the Envoy API protos in @grpc/grpc-js-xds@1.14.1 and scripts/protos/. Do not edit.\nexport default ${JSON.stringify(json)};\n`,
);
writeFileSync(
  new URL('envoy-descriptors.d.mts', outDir),
  '// Generated by scripts/gen-envoy-descriptors.mjs. Do not edit.\n/** JSON text: { m: { [message]: FieldTuple[] }, e: { [enum]: { [value]: number } } }. */\ndeclare const descriptors: string;\nexport default descriptors;\n',
);
process.stderr.write(`${messages.size} messages, ${enums.size} enums, ${json.length} bytes${missing.size ? `; unresolved: ${[...missing].slice(0, 20).join(', ')}` : ''}\n`);
