/** Programmed failures, delays and dropped connections, plus the request log tests assert on. */

export interface FaultRule {
  /** get, list, watch, create, update, patch, delete, deletecollection; missing = any. */
  verb?: string;
  /** Resource plural (e.g. "deployments"), optionally with "/status"; missing = any. */
  resource?: string;
  name?: string;
  namespace?: string;
  /** HTTP status to answer with, as a proper Status (403, 404, 409, 429, 500, 503). */
  code?: number;
  /** Seconds for Retry-After (429, 503). */
  retryAfterSeconds?: number;
  /** Delay before handling (or before failing). */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  drop?: boolean;
  /** How many matching requests this rule applies to (default 1; Infinity for all). */
  times?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  code?: number;
  userAgent?: string;
  contentType?: string;
  fieldManager?: string;
  time: number;
}

export class Faults {
  private rules: (FaultRule & { remaining: number })[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching this request, consuming one use of it. */
  take(r: { verb: string; resource?: string; subresource?: string; name?: string; namespace?: string }): FaultRule | undefined {
    const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    const idx = this.rules.findIndex(
      (rule) =>
        (rule.verb === undefined || rule.verb === r.verb) &&
        (rule.resource === undefined || rule.resource === resource || rule.resource === r.resource) &&
        (rule.name === undefined || rule.name === r.name) &&
        (rule.namespace === undefined || rule.namespace === r.namespace),
    );
    if (idx < 0) return undefined;
    const rule = this.rules[idx];
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(idx, 1);
    return rule;
  }
}
