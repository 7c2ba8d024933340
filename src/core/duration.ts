/**
 * Durations as text, the two ways Go tools print them: kubectl's rounded ages and Go's
 * time.Duration.String (flags, timeouts, templates).
 */

/**
 * Kubernetes' duration.HumanDuration (the AGE column of kubectl, and istioctl's `SYNCED (3m)`):
 * seconds below 2 minutes, then minutes (with seconds under 10m), hours, days, years.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Go's time.Duration.String of `ns` nanoseconds: "1h0m0s", "1m30s", "1.5s", "250ms", "0s". */
export function goDurationString(ns: number): string {
  if (ns === 0) return '0s';
  let u = Math.round(Math.abs(ns));
  let out: string;
  if (u < 1e9) {
    // Below a second: one unit, with the fraction Go keeps.
    const [unit, div] = u < 1e3 ? ['ns', 1] : u < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    out = trimFraction(u / (div as number)) + unit;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    const s = trimFraction(u / 1e9) + 's';
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return ns < 0 ? '-' + out : out;
}

/** Up to nine fractional digits, trailing zeros (and a bare point) dropped. */
const trimFraction = (x: number): string => x.toFixed(9).replace(/\.?0+$/, '');

/** goDurationString of milliseconds, for messages about timeouts. */
export const goDuration = (ms: number): string => goDurationString(ms * 1e6);
