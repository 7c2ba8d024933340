/**
 * The built-in injection config as the build computed it (dist/builtin-injection.json, written
 * by scripts/gen-startup.ts with computeBuiltinInjection), so kube-inject without a cluster does
 * not render the whole default profile on every run. Only the bundle reads it: run from src/
 * (tests, tsx) the file may be older than the code, so there the config is always computed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { isObject, type JsonObject } from '../core/json.js';
import type { InjectionConfig } from './config.js';

declare const __SAILCTL_BUNDLED__: boolean | undefined;

/** The built-in default profile's injection config: templates (parsed), values and mesh config. */
export interface BuiltinInjection {
  injector: Pick<InjectionConfig, 'templates' | 'defaultTemplates' | 'aliases'>;
  values: JsonObject;
  mesh: JsonObject;
}

export const BUILTIN_INJECTION_FILE = 'builtin-injection.json';

/** The precomputed config, or undefined (not bundled, missing or unreadable file: compute it instead). */
export function precomputedBuiltinInjection(): BuiltinInjection | undefined {
  if (typeof __SAILCTL_BUNDLED__ !== 'boolean' || !__SAILCTL_BUNDLED__) return undefined;
  try {
    const data: unknown = JSON.parse(readFileSync(join(packageRoot(), 'dist', BUILTIN_INJECTION_FILE), 'utf8'));
    if (!isObject(data) || !isObject(data.injector) || !isObject(data.injector.templates) || !isObject(data.values) || !isObject(data.mesh)) return undefined;
    return data as unknown as BuiltinInjection;
  } catch {
    return undefined;
  }
}
