import { describe, expect, it } from 'vitest';
import { atLeast, render, sortFindings, type Finding } from '../../src/analyze/report.js';
import { isSuppressed, parseSuppressions } from '../../src/analyze/suppress.js';
import { documentationUrl } from '../../src/analyze/messages.js';

const f = (code: string, level: Finding['level'], origin: string, line = 3, file = 'apps/vs.yaml'): Finding => ({
  code, level, origin, file, line, reference: `${file}:${line}`, message: `msg ${code}`, documentationUrl: documentationUrl(code), analyzer: 'a',
});

describe('suppression', () => {
  const warn: string[] = [];
  const s = parseSuppressions(['IST0102=Namespace frod', 'IST0101=VirtualService default/rev*', 'IST0103=Pod mypod.testing', 'IST0999=Pod x'], (l) => warn.push(l));
  it.each([
    ['IST0102', 'Namespace frod', true],
    ['IST0102', 'Namespace frodo', false],
    ['IST0101', 'VirtualService default/reviews', true],
    ['IST0101', 'VirtualService other/reviews', false],
    ['IST0103', 'Pod testing/mypod', true],
    ['IST0103', 'Pod mypod.testing', true],
    ['IST0118', 'Namespace frod', false],
  ])('%s %s → %s', (code, origin, want) => {
    expect(isSuppressed(s, code as string, origin as string)).toBe(want);
  });
  it('warns about unknown codes and rejects malformed values', () => {
    expect(warn).toEqual(["Warning: supplied message code 'IST0999' is an unknown message code and will not have any effect"]);
    expect(() => parseSuppressions(['IST0102'], () => {})).toThrow(/expected <code>=<Kind> <name pattern>/);
  });
});

describe('rendering', () => {
  const all = sortFindings([f('IST0118', 'Info', 'Service default/web', 9), f('IST0101', 'Error', 'VirtualService default/reviews', 12), f('IST0101', 'Error', 'VirtualService default/reviews', 12), f('IST0128', 'Warning', 'DestinationRule default/d', 4)]);
  it('sorts errors first and removes duplicates', () => {
    expect(all.map((x) => x.code)).toEqual(['IST0101', 'IST0128', 'IST0118']);
  });
  it('log lines as istioctl, colour only on request', () => {
    expect(render(all.slice(0, 1), 'log', { color: false })).toBe('Error [IST0101] (VirtualService default/reviews apps/vs.yaml:12) msg IST0101\n');
    expect(render(all.slice(0, 1), 'log', { color: true })).toContain('\u001b[1;31mError\u001b[0m');
  });
  it('json: istioctl shape, tab-indented; [] when empty', () => {
    const json = JSON.parse(render(all, 'json', { color: false }));
    expect(Object.keys(json[0])).toEqual(['code', 'level', 'origin', 'reference', 'message', 'documentationUrl']);
    expect(json[0].documentationUrl).toBe('https://istio.io/v1.30/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze');
    expect(render([], 'json', { color: false })).toBe('[]\n');
    expect(render([], 'yaml', { color: false })).toBe('[]\n');
  });
  it('sarif 2.1.0 with one rule per code and file/line locations', () => {
    const sarif = JSON.parse(render(all, 'sarif', { color: false }));
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['IST0101', 'IST0118', 'IST0128']);
    expect(run.results[0]).toMatchObject({ ruleId: 'IST0101', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'apps/vs.yaml' }, region: { startLine: 12 } } }] });
    expect(run.results[2].level).toBe('note');
  });
  it('github workflow commands with escaping', () => {
    const line = render([{ ...all[0]!, message: 'a: b, 100%\nnext' }], 'github', { color: false });
    expect(line).toBe('::error file=apps/vs.yaml,line=12,title=IST0101 ReferencedResourceNotFound::[IST0101] (VirtualService default/reviews) a: b, 100%25%0Anext\n');
  });
  it('thresholds', () => {
    expect(atLeast(all, 'Warning').map((x) => x.code)).toEqual(['IST0101', 'IST0128']);
    expect(atLeast(all, 'Info')).toHaveLength(3);
  });
});
