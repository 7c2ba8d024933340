/**
 * Merging the inputs of install / manifest generate / profile dump into one IstioOperator
 * (istioctl.md §3.1, profiles.md §1), lowest precedence first:
 *   default profile < chosen profile < built-in hub/tag < -f files in order < --set in order,
 * then spec.hub/tag/revision/meshConfig/compatibilityVersion are copied into values and the
 * user's own values are applied again on top, validation runs, and unvalidatedValues are merged.
 */
import { UsageError, UserError } from '../core/errors.js';
import { ISTIO_VERSION } from '../version/build-info.js';
import { clone, isObject, overlay, overlayInto, type JsonObject } from '../core/json.js';
import { parseYamlDocuments, readInput, type SourceDoc } from '../yaml/documents.js';
import { loadProfile, requireIstioOperator } from './profiles.js';
import { applyNullPaths, nullSetValue, userNullPaths } from './null-values.js';
import { applySet, formatPath, parseSetFlag, type SetFlag } from './set-path.js';
import { DEFAULT_HUB, IOP_API_VERSION, IOP_KIND, type IstioOperator, type ResolveInput, type ResolvedIstioOperator } from './types.js';
import { DNS1123_LABEL, formatIssues, validateIstioOperator } from './validate.js';

export { listProfiles, loadProfile } from './profiles.js';

export { DEFAULT_HUB };
export const DEFAULT_TAG = ISTIO_VERSION;

/** Where a part of the merged IstioOperator came from, for error messages. */
type Origin =
  | { kind: 'doc'; label: string; doc: () => SourceDoc }
  | { kind: 'set'; flag: SetFlag; pattern: (string | number | null)[] };

export async function resolveIstioOperator(input: ResolveInput): Promise<ResolvedIstioOperator> {
  const files = input.files ?? [];
  const stdinAt = files.indexOf('-');
  if (stdinAt >= 0 && stdinAt !== files.length - 1) {
    throw new UsageError('-f -: standard input must be the last --filename', 'Move "-f -" after the other files.');
  }
  const sets = (input.sets ?? []).map((raw) => nullSetValue(parseSetFlag(raw)));
  const revisionFlag = revisionFromFlag(input.revision);
  if (revisionFlag !== undefined) sets.push(parseSetFlag(`revision=${revisionFlag}`));

  // The user overlay alone (files, then --set), as istioctl builds it: it decides the
  // profile and manifests directory, and its `values` are re-applied after translation.
  const fileDocs: SourceDoc[] = [];
  for (const f of files) {
    const { name, text } = await readInput(f);
    const doc = requireIstioOperator(parseYamlDocuments(text, name), name);
    if (doc) {
      fileDocs.push(doc);
    }
  }
  const user = emptyOperator();
  for (const doc of fileDocs) overlayInto(user, overlayOf(doc.value as JsonObject));
  for (const flag of sets) {
    // A selector may address a list that only the profile defines; the full merge below
    // applies every flag again and reports real errors.
    try {
      applySet(user, flag);
    } catch {
      /* reported by the second application */
    }
  }
  const userSpec = user.spec as JsonObject;
  checkRevisionConflict(revisionFlag, sets, fileDocs);

  const profile = input.profile ?? stringField(userSpec.profile) ?? 'default';
  const manifestsDir = input.manifestsDir ?? stringField(userSpec.installPackagePath);

  const origins: Origin[] = [];
  const defaults = loadProfile('default', manifestsDir);
  origins.push({ kind: 'doc', label: 'profile default', doc: () => defaults.doc });
  let merged = overlay(emptyOperator(), overlayOf(defaults.iop));
  if (profile !== 'default') {
    const chosen = loadProfile(profile, manifestsDir);
    origins.push({ kind: 'doc', label: `profile ${profile}`, doc: () => chosen.doc });
    merged = overlay(merged, overlayOf(chosen.iop));
  }
  const spec = merged.spec as JsonObject;
  spec.hub = DEFAULT_HUB;
  spec.tag = DEFAULT_TAG;
  for (const doc of fileDocs) {
    origins.push({ kind: 'doc', label: doc.file, doc: () => doc });
    overlayInto(merged, overlayOf(doc.value as JsonObject));
  }
  for (const flag of sets) {
    origins.push({ kind: 'set', flag, pattern: flag.path.map((s) => (s.kind === 'key' ? s.key : s.kind === 'index' ? s.index : null)) });
    applySet(merged, flag);
  }
  const finalSpec = merged.spec as JsonObject;
  finalSpec.profile = profile;
  if (manifestsDir !== undefined) finalSpec.installPackagePath = manifestsDir;

  translateToValues(merged, userSpec);

  const warnings: string[] = [];
  // A null value means "no value" (it only removes a chart default), so it is always valid.
  const issues = validateIstioOperator(overlay(merged) as unknown as IstioOperator);
  if (issues.errors.length > 0) {
    const text = formatIssues(issues.errors, (path) => locate(origins, path));
    if (!input.force) {
      throw new UserError(`invalid IstioOperator:\n${text}`, {
        hint: 'Fix the fields above, put chart values that sailctl does not know under spec.unvalidatedValues, or pass --force to continue anyway.',
      });
    }
    warnings.push(...text.split('\n').map((l) => `spec invalid; continuing because of --force: ${l.trim()}`));
  }
  warnings.push(...formatIssues(issues.warnings, (path) => locate(origins, path)).split('\n').filter(Boolean).map((l) => l.trim()));
  // istioctl accepts spec.namespace and ignores it (istioctl.md §7.8); say so instead of installing elsewhere silently.
  const installNamespace = (merged.metadata as JsonObject | undefined)?.namespace ?? 'istio-system';
  if (typeof finalSpec.namespace === 'string' && finalSpec.namespace !== installNamespace) {
    warnings.push(`spec.namespace (${finalSpec.namespace}) is ignored: the install goes to ${String(installNamespace)}; set values.global.istioNamespace to change it`);
  }

  if (isObject(finalSpec.unvalidatedValues)) {
    finalSpec.values = overlay(isObject(finalSpec.values) ? finalSpec.values : {}, finalSpec.unvalidatedValues);
  }
  const nulls = userNullPaths(fileDocs.map((d) => d.value as JsonObject), sets);
  if (nulls.length > 0) applyNullPaths(isObject(finalSpec.values) ? finalSpec.values : (finalSpec.values = {}), nulls, true);
  return { iop: merged as unknown as IstioOperator, profile, warnings };
}

/**
 * The part of a resolved IstioOperator spec that differs from the default profile (what
 * the user and the chosen profile changed), as a nested object; lists count as one value.
 */
export function effectiveOverrides(iop: IstioOperator, manifestsDir?: string): JsonObject {
  const profile = stringField((iop.spec as unknown as JsonObject).profile) ?? 'default';
  let base = overlay(emptyOperator(), overlayOf(loadProfile('default', manifestsDir).iop));
  if (profile !== 'default') base = overlay(base, overlayOf(loadProfile(profile, manifestsDir).iop));
  const baseSpec = base.spec as JsonObject;
  baseSpec.profile = profile;
  baseSpec.hub = DEFAULT_HUB;
  baseSpec.tag = DEFAULT_TAG;
  translateToValues(base, {});
  return diffObjects(baseSpec, iop.spec as unknown as JsonObject) ?? {};
}

function diffObjects(base: JsonObject, next: JsonObject): JsonObject | undefined {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(next)) {
    const prev = base[key];
    if (isObject(value) && isObject(prev)) {
      const sub = diffObjects(prev, value);
      if (sub) out[key] = sub;
    } else if (JSON.stringify(prev) !== JSON.stringify(value)) {
      out[key] = clone(value);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** istioctl.md §3.1 step 7–8: IOP fields become chart values; the user's values win. */
function translateToValues(iop: JsonObject, userSpec: JsonObject): void {
  const spec = iop.spec as JsonObject;
  const values: JsonObject = isObject(spec.values) ? spec.values : (spec.values = {});
  const global: JsonObject = isObject(values.global) ? values.global : (values.global = {});
  if (spec.hub !== undefined) global.hub = spec.hub;
  if (spec.tag !== undefined) global.tag = spec.tag;
  if (spec.revision !== undefined) values.revision = spec.revision;
  if (spec.compatibilityVersion !== undefined) values.compatibilityVersion = spec.compatibilityVersion;
  if (isObject(spec.meshConfig)) {
    values.meshConfig = overlay(isObject(values.meshConfig) ? values.meshConfig : {}, spec.meshConfig);
  }
  const components = isObject(spec.components) ? spec.components : {};
  const pilot: JsonObject = isObject(values.pilot) ? values.pilot : (values.pilot = {});
  pilot.enabled = componentEnabled(components.pilot);
  const pilotCni: JsonObject = isObject(pilot.cni) ? pilot.cni : (pilot.cni = {});
  pilotCni.enabled = componentEnabled(components.cni);
  if (isObject(userSpec.values)) overlayInto(values, userSpec.values);
  if (typeof global.istioNamespace === 'string' && global.istioNamespace !== '') {
    const metadata: JsonObject = isObject(iop.metadata) ? iop.metadata : (iop.metadata = {});
    metadata.namespace = global.istioNamespace;
  }
}

/** A component present without `enabled` counts as enabled; an absent one as disabled. */
export function componentEnabled(component: unknown): boolean {
  if (!isObject(component)) return false;
  return component.enabled !== false;
}

function revisionFromFlag(revision: string | undefined): string | undefined {
  if (revision === undefined || revision === '' || revision === 'default') return undefined;
  if (!DNS1123_LABEL.test(revision) || revision.length > 63) {
    throw new UsageError(`invalid revision specified: ${revision}`, 'A revision is a DNS-1123 label: lower-case letters, digits and "-", e.g. 1-30-0 or canary.');
  }
  return revision;
}

function checkRevisionConflict(flagRevision: string | undefined, sets: SetFlag[], files: SourceDoc[]): void {
  if (flagRevision === undefined) return;
  const userSets = sets.slice(0, -1);
  for (const flag of userSets) {
    if (formatPath(flag.path) === 'spec.revision' && flag.value !== flagRevision && flag.value !== '') {
      throw new UsageError(`conflicting revisions: --revision ${flagRevision} but --set ${flag.raw}`, 'Give the revision once, with -r/--revision or with --set revision=.');
    }
  }
  for (const doc of files) {
    const rev = ((doc.value as JsonObject).spec as JsonObject | undefined)?.revision;
    if (typeof rev === 'string' && rev !== '' && rev !== flagRevision) {
      throw new UsageError(`conflicting revisions: --revision ${flagRevision} but ${doc.file}:${doc.lineOf(['spec', 'revision']) ?? doc.line} sets spec.revision: ${rev}`, 'Give the revision in one place only.');
    }
  }
}

function emptyOperator(): JsonObject {
  return { apiVersion: IOP_API_VERSION, kind: IOP_KIND, metadata: {}, spec: {} };
}

/** The parts of an IstioOperator document that take part in the merge. */
function overlayOf(doc: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (isObject(doc.metadata)) out.metadata = doc.metadata;
  if ('spec' in doc) out.spec = doc.spec === null ? {} : doc.spec!;
  return out;
}

function stringField(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** spec fields that are copied into values: a values path may have been set through them. */
const TRANSLATED: [string[], string[]][] = [
  [['spec', 'values', 'global', 'hub'], ['spec', 'hub']],
  [['spec', 'values', 'global', 'tag'], ['spec', 'tag']],
  [['spec', 'values', 'revision'], ['spec', 'revision']],
  [['spec', 'values', 'compatibilityVersion'], ['spec', 'compatibilityVersion']],
  [['spec', 'values', 'meshConfig'], ['spec', 'meshConfig']],
];

/** The latest input that set `path`: a `--set` flag, or file:line of an -f file or profile. */
function locate(origins: Origin[], path: readonly (string | number)[]): string | undefined {
  const found = locateExact(origins, path);
  if (found) return found;
  for (const [from, to] of TRANSLATED) {
    if (from.every((seg, i) => path[i] === seg)) return locateExact(origins, [...to, ...path.slice(from.length)]);
  }
  return undefined;
}

function locateExact(origins: Origin[], path: readonly (string | number)[]): string | undefined {
  for (let i = origins.length - 1; i >= 0; i--) {
    const o = origins[i]!;
    if (o.kind === 'set') {
      const n = Math.min(o.pattern.length, path.length);
      let match = true;
      for (let j = 0; j < n && match; j++) match = o.pattern[j] === null || o.pattern[j] === path[j];
      if (match) return `--set ${o.flag.raw}`;
    } else {
      const doc = o.doc();
      const line = doc.keyLineOf(path);
      if (line !== undefined) return o.label.startsWith('profile ') ? `${o.label} (${doc.file}:${line})` : `${doc.file}:${line}`;
    }
  }
  return undefined;
}
