/**
 * A unified diff in go-difflib's format (`--- a`, `+++ b`, `@@ -l,n +l,n @@`, lines prefixed
 * ' ', '-', '+', `context` lines around each change, nearby changes in one hunk). Lines are
 * matched by a longest common subsequence; '' when the texts are equal.
 */
export function unifiedDiff(a: string, b: string, fromFile: string, toFile: string, context: number): string {
  if (a === b) return '';
  const A = a.split('\n');
  const B = b.split('\n');
  // LCS table from the end: lcs[i][j] = common lines of A[i..] and B[j..].
  const lcs: Uint32Array[] = Array.from({ length: A.length + 1 }, () => new Uint32Array(B.length + 1));
  for (let i = A.length - 1; i >= 0; i--) {
    for (let j = B.length - 1; j >= 0; j--) lcs[i]![j] = A[i] === B[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  type Op = { tag: ' ' | '-' | '+'; line: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < A.length || j < B.length) {
    if (i < A.length && j < B.length && A[i] === B[j]) ops.push({ tag: ' ', line: A[i]!, ai: i++, bi: j++ });
    // Deletions before insertions, as difflib writes a replaced block.
    else if (i < A.length && (j >= B.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ tag: '-', line: A[i]!, ai: i++, bi: j });
    else ops.push({ tag: '+', line: B[j]!, ai: i, bi: j++ });
  }
  // Hunks: runs of changes with up to 2*context equal lines between them stay together.
  const changed = ops.map((o, k) => (o.tag !== ' ' ? k : -1)).filter((k) => k >= 0);
  const hunks: [number, number][] = [];
  for (const k of changed) {
    const last = hunks[hunks.length - 1];
    if (last && k - last[1] <= 2 * context + 1) last[1] = k;
    else hunks.push([k, k]);
  }
  const range = (start: number, count: number) => (count === 1 ? `${start + 1}` : count === 0 ? `${start},0` : `${start + 1},${count}`);
  let out = `--- ${fromFile}\n+++ ${toFile}\n`;
  for (const [first, last] of hunks) {
    const lo = Math.max(0, first - context);
    const hi = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(lo, hi + 1);
    const aCount = slice.filter((o) => o.tag !== '+').length;
    const bCount = slice.filter((o) => o.tag !== '-').length;
    out += `@@ -${range(slice[0]!.ai, aCount)} +${range(slice[0]!.bi, bCount)} @@\n`;
    for (const o of slice) out += `${o.tag}${o.line}\n`;
  }
  return out;
}
