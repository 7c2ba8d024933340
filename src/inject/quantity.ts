/**
 * Kubernetes resource quantities: validation and the canonical text the API server (and
 * istioctl's re-serialisation) writes, e.g. `2000m` → `2`, `1024Mi` → `1Gi`.
 */
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;

export function isQuantity(text: string): boolean {
  return QUANTITY.test(text.trim());
}

const BINARY = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL: Record<string, number> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Canonical form of a quantity; anything it does not understand is returned unchanged. */
export function canonicalQuantity(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value;
  if (typeof value !== 'string') return value;
  const m = QUANTITY.exec(value.trim());
  if (!m || m[1]!.includes('.') || m[1]!.startsWith('+') || /^[eE]/.test(m[2] ?? 'x')) return value;
  const suffix = m[2] ?? '';
  let n = BigInt(m[1]!);
  if (BINARY.includes(suffix) && suffix !== '') {
    let i = BINARY.indexOf(suffix);
    while (i < BINARY.length - 1 && n !== 0n && n % 1024n === 0n) { n /= 1024n; i++; }
    return `${n}${BINARY[i]}`;
  }
  // Decimal: express in the largest multiple-of-3 exponent that keeps an integer.
  let exp = DECIMAL[suffix]!;
  while (exp < 18 && n !== 0n && n % 1000n === 0n) { n /= 1000n; exp += 3; }
  const unit = Object.entries(DECIMAL).find(([, e]) => e === exp)![0];
  return `${n}${unit}`;
}
