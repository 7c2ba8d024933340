import { describe, expect, it } from 'vitest';
import { container, deployment, docs, inject, podSpec } from './helpers.js';

const service = `# a service, kept exactly
apiVersion: v1
kind: Service
metadata:   {name: hello}   # odd spacing on purpose
spec:
  ports: [ {port: 80} ]
`;

describe('stream handling', () => {
  it('passes non-workload documents through byte for byte, each followed by ---', () => {
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: "v"   # keep\n`;
    expect(inject(`${service}---\n${cm}`).output).toBe(`${service}---\n${cm}---\n`);
  });

  it('keeps comments and key order of injected documents', () => {
    const text = `# top comment\n${deployment().replace('        image: nginx', '        image: nginx # pinned later')}`;
    const out = inject(text).output;
    expect(out.startsWith('# top comment\napiVersion: apps/v1\nkind: Deployment\n')).toBe(true);
    expect(out).toContain('image: nginx # pinned later');
  });

  it('is idempotent: injecting injected output changes nothing', () => {
    const extra = `        readinessProbe:\n          httpGet: {path: /r, port: 8080}\n`;
    for (const text of [deployment({ extra }), deployment({ annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9000' } }), deployment({ annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } })]) {
      const once = inject(text).output;
      expect(inject(once).output).toBe(once);
    }
  });

  it('skips host-network pods and opted-out pods with istioctl warnings, output unchanged', () => {
    const host = deployment({ extra: '      hostNetwork: true\n' });
    const optOut = deployment({ name: 'off', labels: { 'sidecar.istio.io/inject': 'false' } });
    const result = inject(`${host}---\n${optOut}`);
    expect(result.output).toBe(`${host}---\n${optOut}---\n`);
    expect(result.warnings).toEqual([
      '===> Skipping injection because Deployment "/hello" has host networking enabled',
      '===> Skipping injection because Deployment "off" has sidecar injection disabled',
    ]);
  });

  it('a 1,000-document mixed manifest loses nothing and keeps order', () => {
    const parts: string[] = [];
    for (let i = 0; i < 1000; i++) {
      parts.push(i % 3 === 0 ? deployment({ name: `app-${i}` }) : i % 3 === 1 ? `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}}\n` : `# only a comment ${i}\n`);
    }
    const out = inject(parts.join('---\n')).output;
    const chunks = out.split(/^---\n/m).slice(0, -1);
    expect(chunks).toHaveLength(1000);
    chunks.forEach((chunk, i) => {
      if (i % 3 === 0) expect(chunk).toContain(`name: app-${i}\n`);
      else expect(chunk).toBe(parts[i]);
    });
    const injected = docs(out).filter((d) => d.kind === 'Deployment');
    expect(injected).toHaveLength(334);
    expect(injected.every((d) => container(podSpec(d), 'istio-proxy'))).toBe(true);
  });

  it('malformed YAML names the document and line and returns nothing', () => {
    const bad = `apiVersion: v1\nkind: Service\nmetadata:\n  name: [oops\n`;
    expect(() => inject(`${service}---\n${bad}`)).toThrow(/in\.yaml:1[0-2]:\d+: malformed YAML in document 2/);
  });

  it('binary and empty input are clear errors', () => {
    expect(() => inject('\u0000\u0001binary')).toThrow(/binary data is not YAML/);
    expect(() => inject('  \n')).toThrow(/no input: the file is empty/);
  });
});
