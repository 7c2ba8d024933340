/**
 * Flag spellings commander cannot tell apart by itself. istioctl's `proxy-status -v 1` means
 * --verbosity, while sailctl's global `-v` is --verbose (and commander matches program options
 * after the subcommand too): after `proxy-status`/`ps` (or `x ps`), `-v` becomes `--verbosity`.
 */
const GLOBAL_WITH_VALUE = new Set(['-c', '--kubeconfig', '--context', '-i', '--istioNamespace', '-n', '--namespace', '--kubeclient-timeout', '--vklog', '--log_output_level', '--log_target']);
const PROXY_STATUS = new Set(['proxy-status', 'ps']);

export function rewriteArgv(argv: readonly string[]): string[] {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (GLOBAL_WITH_VALUE.has(a)) i++;
      continue;
    }
    words.push(i);
  }
  const [first, second] = words.map((i) => argv[i]!);
  const at = PROXY_STATUS.has(first ?? '') ? words[0]! : ['x', 'exp', 'experimental'].includes(first ?? '') && PROXY_STATUS.has(second ?? '') ? words[1]! : -1;
  if (at < 0) return [...argv];
  return argv.map((a, i) => {
    if (i <= at) return a;
    if (a === '-v') return '--verbosity';
    const m = /^-v=?(\d+)$/.exec(a);
    return m ? `--verbosity=${m[1]}` : a;
  });
}
