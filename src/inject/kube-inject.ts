/**
 * `kube-inject` over a multi-document YAML stream (injection.md §4.2, §5), one document at a
 * time: workloads get their pods injected in place (comments and key order kept), everything
 * else is copied byte for byte. Documents are read, injected and written as they arrive
 * (KubeInjector.document), so memory stays flat and a failure in document N leaves documents
 * 1..N-1 written; the error names document N. Plain documents (no comments, library-style
 * formatting) skip the yaml Document model with byte-identical output (injectPlainChunk).
 */
import { DataError, UserError } from '../core/errors.js';
import type { InjectionConfig } from './config.js';
import { InjectionError, injectPod } from './pod-inject.js';
import { podShapeError } from './pod-shape.js';
import { locatePods, type PodLocation } from './workloads.js';
import { getPath, isObject, setPath, stringMap, type Json, type JsonObject } from '../core/json.js';
import { parseDocumentText, type DocumentText } from '../yaml/documents.js';
import { parseFastYaml, type FlowMarks } from '../yaml/fast-parse.js';
import { emitYaml } from '../yaml/fast-stringify.js';
import { DocumentSplitter, type StreamDocument } from '../yaml/stream.js';
import { keepNumberText, orderLike, writeAt } from '../yaml/sync.js';

export interface KubeInjectResult {
  output: string;
  /** istioctl's `===> Skipping injection ...` lines, printed on stderr after the output. */
  warnings: string[];
  injected: number;
  /** Documents written by the fast path (no yaml Document model). */
  fastPath: number;
}

export interface KubeInjectOptions {
  /** false: always go through the yaml Document model (tests compare both paths). */
  fastPath?: boolean;
}

/** JavaScript's own limit errors, whichever layer reports them. */
const ENGINE_LIMIT = /Maximum call stack size exceeded|Invalid string length|Invalid array length/;

const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Injects documents one by one, counting what it did; warnings are kept for the end. */
export class KubeInjector {
  readonly warnings: string[] = [];
  injected = 0;
  fastPath = 0;

  constructor(
    private readonly file: string,
    private readonly config: InjectionConfig,
    private readonly options: KubeInjectOptions = {},
  ) {}

  /** The output for one document: its text, then `---`. */
  document(doc: StreamDocument): string {
    let result: { text: string; injected: number; fast?: boolean };
    try {
      result = processChunk(doc, doc.index, this.file, this.config, this.warnings, this.options.fastPath !== false);
    } catch (err) {
      // Nesting or sizes beyond what the engine can hold: one clear line, never JavaScript's text.
      if (err instanceof RangeError || (err instanceof Error && ENGINE_LIMIT.test(err.message))) {
        throw new DataError(`${this.file}:${doc.line}: document ${doc.index + 1} is too deeply nested or too large to inject`, { cause: err, hint: 'Check the document for runaway nesting or an oversized value.' });
      }
      throw err;
    }
    this.injected += result.injected;
    if (result.fast) this.fastPath++;
    return result.text.endsWith('\n') ? `${result.text}---\n` : `${result.text}\n---\n`;
  }
}

/** kube-inject over text held in memory (tests, small inputs): the same rules as the stream. */
export function kubeInject(text: string, file: string, config: InjectionConfig, options: KubeInjectOptions = {}): KubeInjectResult {
  const splitter = new DocumentSplitter(file, Infinity);
  const docs = [...splitter.push(Buffer.from(text, 'utf8')), ...splitter.end()];
  if (!splitter.sawContent) throw emptyInput(file);
  const injector = new KubeInjector(file, config, options);
  const output = docs.map((doc) => injector.document(doc)).join('');
  return { output, warnings: injector.warnings, injected: injector.injected, fastPath: injector.fastPath };
}

export function emptyInput(file: string): DataError {
  return new DataError(`${file}: no input: the file is empty`, { hint: 'Pass a file (or stdin) holding Kubernetes resources.' });
}

function processChunk(chunk: DocumentText, index: number, file: string, config: InjectionConfig, warnings: string[], tryFast: boolean): { text: string; injected: number; fast?: boolean } {
  if (isCommentsOnly(chunk.text)) return { text: chunk.text, injected: 0 };
  const where = `${file}: document ${index + 1} (line ${chunk.line})`;
  const fast = tryFast ? injectPlainChunk(chunk, where, config, warnings) : undefined;
  if (fast) return { ...fast, fast: true };
  const doc = parseDocumentText(chunk, file, index);
  const value: unknown = doc.toJS({ maxAliasCount: 10_000 });
  keepNumberText(doc);
  if (!isObject(value)) return { text: chunk.text, injected: 0 };
  const pods = podsOf(value, where);
  if (pods.length === 0) return { text: chunk.text, injected: 0 };
  let injected = 0;
  for (const pod of pods) {
    const result = injectOne(value, pod, config, warnings, where);
    if (!result) continue;
    writeAt(doc, pod.metadataPath, result.metadata);
    writeAt(doc, pod.specPath, result.spec);
    injected++;
  }
  return injected > 0 ? { text: doc.toString({ lineWidth: 0, indentSeq: indentsSequences(chunk.text) }), injected } : { text: chunk.text, injected: 0 };
}

/**
 * The fast path for the common document: no comments, inside the fast reader's subset, and
 * written exactly as the yaml library would write it (checked by writing it back). Then the
 * Document model adds nothing, and plain values written by emitYaml give the same bytes as
 * the Document path (test/inject/fast-path.test.ts compares both). Undefined: use that path.
 */
function injectPlainChunk(chunk: DocumentText, where: string, config: InjectionConfig, warnings: string[]): { text: string; injected: number } | undefined {
  if (chunk.text.includes('#') || chunk.text.includes('\r')) return undefined;
  const flows: FlowMarks = new Map();
  const value = parseFastYaml(chunk.text, flows);
  if (!isObject(value)) return undefined;
  const pods = podsOf(value, where);
  if (pods.length === 0) return { text: chunk.text, injected: 0 };
  const indentSeq = indentsSequences(chunk.text);
  if (emitYaml(value, { indentSeq, flows, flowAsRead: true }) !== (chunk.text.endsWith('\n') ? chunk.text : `${chunk.text}\n`)) return undefined;
  const local: string[] = [];
  const results: [PodLocation, { metadata: JsonObject; spec: JsonObject }][] = [];
  for (const pod of pods) {
    const result = injectOne(value, pod, config, local, where);
    if (result) results.push([pod, result]);
  }
  let text = chunk.text;
  if (results.length > 0) {
    for (const [pod, result] of results) {
      setPath(value, pod.metadataPath, orderLike(getPath(value, pod.metadataPath) as Json, result.metadata, flows));
      setPath(value, pod.specPath, orderLike(getPath(value, pod.specPath) as Json, result.spec, flows));
    }
    const out = emitYaml(value, { indentSeq, flows });
    if (out === undefined) return undefined;
    text = out;
  }
  warnings.push(...local);
  return { text, injected: results.length };
}

function podsOf(value: JsonObject, where: string): PodLocation[] {
  try {
    return locatePods(value);
  } catch (err) {
    throw new UserError(`${where}: ${(err as Error).message}`);
  }
}

function injectOne(root: JsonObject, pod: PodLocation, config: InjectionConfig, warnings: string[], where: string): { metadata: JsonObject; spec: JsonObject } | undefined {
  const rawMeta = getPath(root, pod.metadataPath);
  const rawSpec = getPath(root, pod.specPath);
  const shape = podShapeError(rawMeta, rawSpec, pod.metadataPath.join('.'), pod.specPath.join('.'));
  if (shape) throw new UserError(`${where}: ${pod.label}: ${shape}`, { hint: 'Fix the field type; nothing was written.' });
  const metadata = (rawMeta ?? {}) as JsonObject;
  const spec = (rawSpec ?? {}) as JsonObject;
  if (spec.hostNetwork === true) {
    warnings.push(`===> Skipping injection because ${pod.typeMeta.kind} "${pod.deployMeta.namespace}/${pod.deployMeta.name}" has host networking enabled`);
    return undefined;
  }
  if (!injectionRequested(metadata)) {
    warnings.push(`===> Skipping injection because ${pod.typeMeta.kind} "${pod.deployMeta.name}" has sidecar injection disabled`);
    return undefined;
  }
  try {
    return injectPod(config, { typeMeta: pod.typeMeta, deployMeta: pod.deployMeta, metadata, spec });
  } catch (err) {
    if (err instanceof InjectionError) throw new UserError(`${where}: ${pod.label}: ${err.message}`);
    throw err;
  }
}

/** kube-inject's policy: `enabled`, no selectors; only the opt-out label/annotation and ignored namespaces skip. */
function injectionRequested(metadata: JsonObject): boolean {
  const labels = stringMap(metadata.labels);
  const annotations = stringMap(metadata.annotations);
  // Only exactly "false" opts out; other values fall back to the policy, which is `enabled` here.
  const choice = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'] ?? '';
  if (IGNORED_NAMESPACES.has(String(metadata.namespace ?? ''))) return false;
  return choice !== 'false';
}

/** Follow the document's own list style: `- item` under its key, or indented by two. */
function indentsSequences(text: string): boolean {
  return !/^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n\1- /m.test(text);
}

/** No line holds anything but blanks or a comment. */
function isCommentsOnly(text: string): boolean {
  return !/^[^\S\n]*[^\s#]/m.test(text);
}
