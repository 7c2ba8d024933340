/**
 * Installation profiles: IstioOperator YAML files in the package's profiles/ directory, or
 * in a --manifests directory (DIR/profiles/*.yaml, else DIR/*.yaml).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, UserError } from '../core/errors.js';
import { isObject, UNSAFE_KEYS, type JsonObject } from '../core/json.js';
import { parseYamlDocuments, readTextFileSync, type SourceDoc } from '../yaml/documents.js';
import { tryFastYaml } from '../yaml/values.js';
import { packageRoot } from '../core/package-root.js';
import { IOP_API_VERSION, IOP_KIND } from './types.js';

export interface LoadedProfile {
  name: string;
  file: string;
  /** The whole IstioOperator object of the profile file. */
  iop: JsonObject;
  doc: SourceDoc;
}

const TOP_LEVEL_KEYS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

/** The directory profiles are read from. */
export function profilesDir(manifestsDir?: string): string {
  if (!manifestsDir) return join(packageRoot(), 'profiles');
  if (!existsSync(manifestsDir) || !statSync(manifestsDir).isDirectory()) {
    throw new DataError(`--manifests ${manifestsDir}: no such directory`, { hint: 'Pass a directory that holds profiles/*.yaml (or *.yaml profile files).' });
  }
  const nested = join(manifestsDir, 'profiles');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : manifestsDir;
}

/** Profile names, sorted. */
export function listProfiles(manifestsDir?: string): string[] {
  const dir = profilesDir(manifestsDir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function loadProfile(name: string, manifestsDir?: string): LoadedProfile {
  const dir = profilesDir(manifestsDir);
  const file = ['.yaml', '.yml'].map((ext) => join(dir, name + ext)).find((f) => existsSync(f));
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || !file) {
    const known = listProfiles(manifestsDir);
    throw new UserError(`profile "${name}" not found`, {
      hint: known.length ? `Known profiles: ${known.join(', ')}.` : `No profiles in ${dir}.`,
    });
  }
  const text = readTextFileSync(file);
  // Plain profile files take the fast reader; the positioned parse (for error locations) only
  // happens if something asks for `doc`. Anything unusual goes the full way at once.
  const fast = tryFastYaml(text);
  if (isPlainIstioOperator(fast)) {
    let doc: SourceDoc | undefined;
    return {
      name,
      file,
      iop: fast,
      get doc() {
        return (doc ??= profileDoc(text, file));
      },
    };
  }
  const doc = profileDoc(text, file);
  return { name, file, iop: doc.value as JsonObject, doc };
}

function profileDoc(text: string, file: string): SourceDoc {
  const doc = requireIstioOperator(parseYamlDocuments(text, file), file);
  if (!doc) throw new DataError(`${file}: the profile file is empty`, { hint: 'A profile file holds one IstioOperator.' });
  return doc;
}

/** What requireIstioOperator accepts, checked on a plain value (no positions needed). */
function isPlainIstioOperator(v: unknown): v is JsonObject {
  if (!isObject(v) || v.kind !== IOP_KIND || (v.apiVersion !== undefined && v.apiVersion !== IOP_API_VERSION)) return false;
  if (!Object.keys(v).every((k) => TOP_LEVEL_KEYS.includes(k))) return false;
  if (findUnsafe(v) !== undefined) return false; // the full way reports it with a line
  return v.spec === undefined || v.spec === null || isObject(v.spec);
}

/**
 * The first place in an IstioOperator that sailctl refuses: a key naming JavaScript object
 * machinery (UNSAFE_KEYS: merging it could reach Object.prototype), or a number that cannot be
 * written back as given (±Infinity, NaN, or an integer beyond ±2^53, where rounding starts).
 */
export function findUnsafe(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; why: string } | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { path, why: `the number ${String(value)} is not a finite value` };
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return { path, why: `the number ${String(value)} is beyond ±2^53 and would not be written as given` };
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafe(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (UNSAFE_KEYS.has(key)) return { path: [...path, key], why: `key "${key}" is not allowed` };
    const found = findUnsafe(value[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

function refuseUnsafeContent(doc: SourceDoc, file: string): void {
  const found = findUnsafe(doc.value);
  if (!found) return;
  const where = found.path.map(String).join('.');
  throw new DataError(`${file}:${doc.keyLineOf(found.path) ?? doc.line}: ${where}: ${found.why}`, {
    hint: found.why.startsWith('key') ? 'No IstioOperator field has this name.' : 'Write the value within range (Kubernetes counts and ports are 32-bit integers).',
  });
}

/**
 * The one IstioOperator of a file: every document that has a kind must be an
 * install.istio.io/v1alpha1 IstioOperator, and there may be only one.
 * Returns undefined for a file without documents.
 */
export function requireIstioOperator(docs: SourceDoc[], file: string): SourceDoc | undefined {
  const lineOfKey = (doc: SourceDoc, path: string[]) => doc.keyLineOf(path) ?? doc.line;
  let found: SourceDoc | undefined;
  for (const doc of docs) {
    if (!isObject(doc.value)) {
      throw new DataError(`${file}:${doc.line}: expected an IstioOperator object, found ${Array.isArray(doc.value) ? 'a list' : 'a ' + typeof doc.value}`);
    }
    const { apiVersion, kind } = doc.value;
    if (kind !== IOP_KIND || (apiVersion !== undefined && apiVersion !== IOP_API_VERSION)) {
      const line = lineOfKey(doc, ['kind']);
      throw new DataError(
        `${file}:${line}: ${String(kind ?? 'a document without kind')}${apiVersion ? ` (${String(apiVersion)})` : ''} is not an IstioOperator`,
        { hint: `An overlay file holds one object with apiVersion: ${IOP_API_VERSION} and kind: ${IOP_KIND}.` },
      );
    }
    if (found) {
      throw new DataError(`${file}:${doc.line}: contains multiple IstioOperator CRs, only one per file is supported`);
    }
    for (const key of Object.keys(doc.value)) {
      if (!TOP_LEVEL_KEYS.includes(key)) {
        throw new DataError(`${file}:${lineOfKey(doc, [key])}: unknown field "${key}" in IstioOperator`, {
          hint: `An IstioOperator has only ${TOP_LEVEL_KEYS.join(', ')}; settings go under spec.`,
        });
      }
    }
    refuseUnsafeContent(doc, file);
    const spec = doc.value.spec;
    if (spec !== undefined && spec !== null && !isObject(spec)) {
      throw new DataError(`${file}:${lineOfKey(doc, ['spec'])}: spec must be a map, not ${Array.isArray(spec) ? 'a list' : 'a ' + typeof spec}`);
    }
    found = doc;
  }
  return found;
}
