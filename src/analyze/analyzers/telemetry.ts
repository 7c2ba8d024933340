/**
 * Telemetry: empty access-log providers (IST0157), selectors that match no Pod (IST0101),
 * several selecting one Pod (IST0159) or none in a namespace (IST0160), and the deprecated
 * Lightstep tracer (IST0002).
 */
import type { Analyzer } from '../framework.js';
import { isObject } from '../../core/json.js';
import { asArray, isAnyObject, type AnyObject, type Resource } from '../resource.js';
import { selectPodsFor } from './sidecar.js';
import { goList, pushTo, quote } from './util.js';

export const providerAnalyzer: Analyzer = {
  name: 'telemetry.ProviderAnalyzer',
  description: 'Validates that providers in telemetry resource is valid',
  inputs: ['Telemetry'],
  codes: ['IST0157'],
  run(ctx) {
    if (asArray(ctx.mesh.defaultProviders?.accessLogging).length > 0) return;
    for (const t of ctx.all('Telemetry')) {
      for (const entry of asArray<AnyObject>(t.spec.accessLogging)) {
        if (!isObject(entry) || entry.disabled === true) continue;
        if (asArray(entry.providers).length === 0) ctx.report('IST0157', t, `The Telemetry ${t.name} in namespace ${quote(t.namespace)} with empty providers will be ignored.`);
      }
    }
  },
};

export const telemetrySelectorAnalyzer: Analyzer = {
  name: 'telemetry.SelectorAnalyzer',
  description: "Validates that telemetries that define a selector match at least one pod, and that there aren't multiple telemetry resources that select overlapping pods",
  inputs: ['Telemetry'],
  codes: ['IST0101', 'IST0159'],
  run(ctx) {
    const byPod = selectPodsFor(ctx, ctx.all('Telemetry'), (t) => t.spec.selector?.matchLabels, (k) => ['spec', 'selector', 'matchLabels', k]);
    for (const [pod, list] of byPod) {
      if (list.length < 2) continue;
      const names = goList(list.map((t) => t.name));
      for (const t of list) ctx.report('IST0159', t, `The Telemetries ${names} in namespace ${quote(pod.namespace)} select the same workload pod ${quote(pod.name)}, which can lead to undefined behavior.`, ['metadata', 'name']);
    }
  },
};

export const telemetryDefaultSelectorAnalyzer: Analyzer = {
  name: 'telemetry.DefaultSelectorAnalyzer',
  description: "Validates that there aren't multiple telemetry resources that have no selector",
  inputs: ['Telemetry'],
  codes: ['IST0160'],
  run(ctx) {
    const byNs = new Map<string, Resource[]>();
    for (const t of ctx.all('Telemetry')) if (t.spec.selector === undefined || t.spec.selector === null) pushTo(byNs, t.namespace, t);
    for (const [ns, list] of byNs) {
      if (list.length < 2) continue;
      const names = goList(list.map((t) => t.name));
      for (const t of list) ctx.report('IST0160', t, `The Telemetries ${names} in namespace ${quote(ns)} have no workload selector, which can lead to undefined behavior.`);
    }
  },
};

export const lightstepAnalyzer: Analyzer = {
  name: 'telemetry.LightstepAnalyzer',
  description: 'Validates that lightstep provider is still used',
  inputs: ['Telemetry'],
  codes: ['IST0002'],
  run(ctx) {
    const lightstep = new Set(asArray<AnyObject>(ctx.mesh.extensionProviders).filter((p) => isAnyObject(p) && isAnyObject(p.lightstep)).map((p) => String(p.name ?? '')));
    if (lightstep.size === 0) return;
    for (const t of ctx.all('Telemetry')) {
      for (const tracing of asArray<AnyObject>(t.spec.tracing)) {
        for (const p of asArray<AnyObject>(isObject(tracing) ? tracing.providers : undefined)) {
          const name = String(p?.name ?? '');
          if (lightstep.has(name)) ctx.report('IST0002', t, `Deprecated: The Lightstep provider ${name} is deprecated, please migrate to OpenTelemetry provider.`);
        }
      }
    }
  },
};

export const telemetryAnalyzers = [providerAnalyzer, telemetrySelectorAnalyzer, telemetryDefaultSelectorAnalyzer, lightstepAnalyzer];
