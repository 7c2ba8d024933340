/**
 * Kubernetes resource quantities: validation and the canonical text the API server (and istiod,
 * which decodes every pod into Kubernetes types) writes: `2000m` → `2`, `1024Mi` → `1Gi`,
 * `0.5` → `500m`, `1000` → `1k`, `1.5Gi` → `1536Mi`. Values are kept exact as mantissa × 10^scale
 * (BigInt), rounded up to nano precision as Kubernetes parses them.
 */
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;

export function isQuantity(text: string): boolean {
  return QUANTITY.test(text.trim());
}

const BINARY = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX: Record<number, string> = Object.fromEntries(Object.entries(DECIMAL_EXP).map(([s, e]) => [e, s]));

const memo = new Map<string, string>();

/** Canonical form of a quantity (numbers become strings); anything it does not understand is returned unchanged. */
export function canonicalQuantity(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return value;
    value = String(value);
  }
  if (typeof value !== 'string') return value;
  let hit = memo.get(value);
  if (hit === undefined) {
    hit = canonical(value) ?? value;
    if (memo.size > 10_000) memo.clear();
    memo.set(value, hit);
  }
  return hit;
}

function canonical(text: string): string | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m;
  const [whole, frac = ''] = digits!.split('.');
  let n = BigInt((whole || '0') + frac);
  let scale = -frac.length;
  if (sign === '-') n = -n;
  let format: 'binary' | 'decimal' | 'exponent' = 'decimal';
  if (suffix.startsWith('e') || suffix.startsWith('E')) {
    format = 'exponent';
    scale += Number(suffix.slice(1));
  } else if (BINARY.includes(suffix) && suffix !== '') {
    format = 'binary';
    n *= 1024n ** BigInt(BINARY.indexOf(suffix));
  } else {
    scale += DECIMAL_EXP[suffix]!;
  }
  // Kubernetes keeps nano precision, rounding up (away from zero).
  if (scale < -9) {
    const div = 10n ** BigInt(-9 - scale);
    const q = n / div;
    n = n % div === 0n ? q : q + (n < 0n ? -1n : 1n);
    scale = -9;
  }
  if (n === 0n) return '0';
  if (format === 'binary') {
    const integral = scale >= 0 ? n * 10n ** BigInt(scale) : n % 10n ** BigInt(-scale) === 0n ? n / 10n ** BigInt(-scale) : undefined;
    if (integral === undefined || (integral > -1024n && integral < 1024n)) format = 'decimal';
    else {
      let v = integral;
      let i = 0;
      while (i < BINARY.length - 1 && v % 1024n === 0n) {
        v /= 1024n;
        i++;
      }
      return `${v}${BINARY[i]}`;
    }
  }
  // Decimal: an exponent that is a multiple of three, with the smallest integer mantissa.
  while (((scale % 3) + 3) % 3 !== 0) {
    n *= 10n;
    scale--;
  }
  while (n % 1000n === 0n) {
    n /= 1000n;
    scale += 3;
  }
  if (format === 'exponent') return scale === 0 ? `${n}` : `${n}e${scale}`;
  const unit = DECIMAL_SUFFIX[scale];
  return unit === undefined ? `${n}e${scale}` : `${n}${unit}`;
}
