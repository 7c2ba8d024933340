import { parseAllDocuments } from 'yaml';
import { withMeshDefaults, type InjectionConfig } from '../../src/inject/config.js';
import { parseInjectorConfig } from '../../src/inject/config-sources.js';
import { defaultInjectionValues } from '../../src/inject/default-values.js';
import { buildInjectorConfig } from '../../src/injection-templates/injector-config.js';
import { kubeInject } from '../../src/inject/kube-inject.js';

export function testConfig(over: { values?: (v: Record<string, any>) => void; mesh?: Record<string, unknown>; native?: boolean } = {}): InjectionConfig {
  const values = defaultInjectionValues() as Record<string, any>;
  values.global.tag = '1.30.0';
  over.values?.(values);
  return {
    ...parseInjectorConfig(buildInjectorConfig(values).config, 'test'),
    values,
    meshConfig: withMeshDefaults(over.mesh as never),
    revision: values.revision ?? '',
    nativeSidecars: over.native ?? false,
  };
}

export function inject(text: string, config = testConfig()) {
  return kubeInject(text, 'in.yaml', config);
}

/** The output documents as plain objects (separators dropped). */
export function docs(output: string): any[] {
  return parseAllDocuments(output).map((d) => d.toJS()).filter((d) => d !== null);
}

export function podSpec(obj: any): any {
  if (obj.kind === 'Pod') return obj.spec;
  if (obj.kind === 'CronJob') return obj.spec.jobTemplate.spec.template.spec;
  return obj.spec.template.spec;
}

export function podMeta(obj: any): any {
  if (obj.kind === 'Pod') return obj.metadata;
  if (obj.kind === 'CronJob') return obj.spec.jobTemplate.metadata;
  return obj.spec.template.metadata;
}

export function container(spec: any, name: string): any {
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((c: any) => c.name === name);
}

export function envOf(c: any): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value]));
}

export function deployment(opts: { name?: string; annotations?: Record<string, string>; labels?: Record<string, string>; extra?: string } = {}): string {
  const ann = opts.annotations ? `\n      annotations:\n${Object.entries(opts.annotations).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`).join('\n')}` : '';
  const labels = { app: opts.name ?? 'hello', ...(opts.labels ?? {}) };
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${opts.name ?? 'hello'}
spec:
  template:
    metadata:
      labels:
${Object.entries(labels).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`).join('\n')}${ann}
    spec:
      containers:
      - name: hello
        image: nginx
        ports:
        - containerPort: 8080
          name: http
${opts.extra ?? ''}`;
}
