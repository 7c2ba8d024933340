/**
 * Reading analysis inputs from files, directories and stdin: every YAML/JSON document, List
 * items expanded, each resource remembering its file and line.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { DataError, UserError } from '../core/errors.js';
import { readInput, readYamlStream } from '../yaml/documents.js';
import { isObject } from '../core/json.js';
import { identity, makeResource, friendlyName, type Resource } from './resource.js';

export const EXTENSIONS = ['.json', '.yaml', '.yml'];

export interface FileLoadOptions {
  /** Namespace for namespaced objects that name none (-n, else `default`). */
  defaultNamespace: string;
  /** Skip files that are not Kubernetes resources instead of failing. */
  ignoreUnknown: boolean;
  /** Diagnostics go here (stderr in the CLI). */
  warn: (line: string) => void;
}

export interface FileLoadResult {
  resources: Resource[];
  /** Files (or stdin) that were read. */
  files: string[];
  /** Problems in skipped files, as `file:line: what` (only with ignoreUnknown). */
  skipped: string[];
}

/** Expands directories (recursively, sorted) into files with a recognised extension. */
export async function gatherFiles(paths: readonly string[], warn: (line: string) => void): Promise<string[]> {
  const out: string[] = [];
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    if (path === '-') {
      out.push(path);
      return;
    }
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new DataError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, { cause: err });
    }
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const e of entries) await visit(join(path, e), false);
      return;
    }
    if (!EXTENSIONS.includes(extname(path).toLowerCase())) {
      warn(`Skipping file ${path}, recognized file extensions are: [.json .yaml .yml]`);
      return;
    }
    void explicit;
    out.push(path);
  };
  for (const p of paths) await visit(p, true);
  return out;
}

/** Reads and parses the files; throws one DataError listing every unreadable document. */
export async function loadFiles(paths: readonly string[], options: FileLoadOptions): Promise<FileLoadResult> {
  const files = await gatherFiles(paths, options.warn);
  const problems: string[] = [];
  const byId = new Map<string, Resource>();
  const readFiles: string[] = [];
  for (const path of files) {
    let text: string;
    let name: string;
    try {
      ({ name, text } = await readInput(path));
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    readFiles.push(name);
    let fileProblems: string[] = [];
    const fileResources: Resource[] = [];
    try {
      for (const doc of readYamlStream(text, name)) {
        const body = doc.value;
        if (!isObject(body) || typeof body.kind !== 'string' || typeof body.apiVersion !== 'string' || body.kind === '' || body.apiVersion === '') {
          fileProblems.push(`${name}:${doc.line}: document ${doc.index + 1} is not a Kubernetes resource (it needs apiVersion and kind)`);
          continue;
        }
        if (body.kind.endsWith('List') && Array.isArray(body.items)) {
          body.items.forEach((item: unknown, i: number) => {
            const line = doc.lineOf(['items', i]) ?? doc.line;
            if (!isObject(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
              fileProblems.push(`${name}:${line}: item ${i} of the ${body.kind} is not a Kubernetes resource (it needs apiVersion and kind)`);
              return;
            }
            fileResources.push(makeResource({ body: item, defaultNamespace: options.defaultNamespace, origin: { source: 'file', file: name, line }, locator: { lineOf: (p) => doc.lineOf(['items', i, ...p]), leafLineOf: (p) => doc.leafLineOf(['items', i, ...p]) } }));
          });
          continue;
        }
        // an IstioOperator needs no name (Istio's own samples have none); istioctl validates it all the same
        if ((!isObject(body.metadata) || !body.metadata.name) && body.kind !== 'IstioOperator') {
          fileProblems.push(`${name}:${doc.line}: ${body.kind} in document ${doc.index + 1} has no metadata.name`);
          continue;
        }
        fileResources.push(makeResource({ body, defaultNamespace: options.defaultNamespace, origin: { source: 'file', file: name, line: doc.line }, locator: doc }));
      }
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      fileProblems = [err.message];
    }
    if (fileProblems.length > 0) {
      problems.push(...fileProblems);
      continue;
    }
    for (const r of fileResources) {
      const id = identity(r);
      const previous = byId.get(id);
      if (previous) options.warn(`${friendlyName(r)} at ${r.origin.file}:${r.origin.line} replaces the one at ${previous.origin.file}:${previous.origin.line}`);
      byId.set(id, r);
    }
  }
  if (problems.length > 0 && !options.ignoreUnknown) {
    throw new DataError(`Some files couldn't be parsed:\n  ${problems.join('\n  ')}`, {
      hint: 'Fix those documents, or pass --ignore-unknown to skip files that are not Kubernetes resources.',
    });
  }
  for (const p of problems) options.warn(`Skipping: ${p}`);
  return { resources: [...byId.values()], files: readFiles, skipped: problems };
}
