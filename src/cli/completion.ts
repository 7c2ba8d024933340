/**
 * Shell completion scripts generated from the command tree itself, so they never drift
 * from the real commands and flags. Profile names complete after `--set profile=` and for
 * `profile dump|diff`; dashboard names after `dashboard`; file names after every flag whose
 * value is a file (`<file>`, `<files>`, `<path>`: -f, --kubeconfig, -o FILE, ...) and for
 * `analyze`'s arguments, directory names after `<dir>` flags.
 */
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

interface Flag {
  name: string;
  description: string;
  /** What the flag's value names, read from its `<arg>` in the flag definition. */
  value?: 'file' | 'dir';
}

interface Node {
  path: string[];
  subcommands: { name: string; description: string }[];
  flags: Flag[];
  /** The command's positional arguments are files (analyze). */
  fileArgs: boolean;
}

function valueKind(o: Option): Flag['value'] {
  if (/<(file|files|path)>/.test(o.flags)) return 'file';
  if (/<dir>/.test(o.flags)) return 'dir';
  return undefined;
}

function flagsOf(cmd: Command): Flag[] {
  const out: Flag[] = [];
  const options = (cmd.options as readonly Option[]).filter((o) => !(o as Option & { hidden?: boolean }).hidden);
  for (const o of options) {
    const value = valueKind(o);
    if (o.long) out.push({ name: o.long, description: o.description, value });
    if (o.short) out.push({ name: o.short, description: o.description, value });
  }
  return out;
}

const valued = (n: Node, kind: 'file' | 'dir') => n.flags.filter((f) => f.value === kind).map((f) => f.name);

/** Flattens the tree: one node per command path, with its subcommands and flags (own + global). */
export function completionTree(program: Command): Node[] {
  const globals = flagsOf(program);
  const nodes: Node[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const subs = cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
    nodes.push({
      path,
      subcommands: subs.flatMap((c) => [c.name(), ...c.aliases()].map((name) => ({ name, description: c.description().split('\n')[0]! }))),
      flags: path.length === 0 ? globals : [...flagsOf(cmd), ...globals],
      fileArgs: (cmd.registeredArguments ?? []).some((a) => /^files?$/.test(a.name())),
    });
    for (const c of subs) for (const name of [c.name(), ...c.aliases()]) walk(c, [...path, name]);
  };
  walk(program, []);
  return nodes;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function completionScript(shell: Shell, program: Command, profiles: string[], descriptions = true): string {
  const nodes = completionTree(program);
  switch (shell) {
    case 'bash':
      return bash(nodes, profiles);
    case 'zsh':
      return zsh(nodes, profiles, descriptions);
    case 'fish':
      return fish(nodes, profiles, descriptions);
    case 'powershell':
      return powershell(nodes, profiles);
  }
}

function bash(nodes: Node[], profiles: string[]): string {
  const fileCases = nodes
    .map((n) => `    ${quote(n.path.join(' '))}) files=${quote(valued(n, 'file').join(' '))}; dirs=${quote(valued(n, 'dir').join(' '))}; fileargs=${n.fileArgs ? '1' : "''"} ;;`)
    .join('\n');
  const cases = nodes
    .map((n) => `    ${quote(n.path.join(' '))}) words=${quote([...n.subcommands.map((s) => s.name), ...n.flags.map((f) => f.name)].join(' '))} ;;`)
    .join('\n');
  return `# bash completion for sailctl. Load it with: source <(sailctl completion bash)
_sailctl() {
  local cur prev cmdpath="" words i w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if _sailctl_known "\${cmdpath:+$cmdpath }$w"; then cmdpath="\${cmdpath:+$cmdpath }$w"; fi
  done
  # bash splits "profile=de" at "=" (COMP_WORDBREAKS), so look back two words.
  if [[ "$prev" == "=" && "\${COMP_WORDS[COMP_CWORD-2]}" == profile ]]; then
    COMPREPLY=($(compgen -W ${quote(profiles.join(' '))} -- "$cur")); return
  fi
  if [[ "$cur" == profile=* ]]; then
    COMPREPLY=($(compgen -P profile= -W ${quote(profiles.join(' '))} -- "\${cur#profile=}")); return
  fi
  case "$cmdpath" in
    'profile dump'|'profile diff') if [[ "$cur" != -* ]]; then COMPREPLY=($(compgen -W ${quote(profiles.join(' '))} -- "$cur")); return; fi ;;
  esac
  local files="" dirs="" fileargs=""
  case "$cmdpath" in
${fileCases}
  esac
  if [[ " $files " == *" $prev "* ]]; then compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return; fi
  if [[ " $dirs " == *" $prev "* ]]; then compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return; fi
  if [[ -n "$fileargs" && "$cur" != -* ]]; then compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return; fi
  case "$cmdpath" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_sailctl_known() {
  case "$1" in
${nodes.filter((n) => n.path.length > 0).map((n) => `    ${quote(n.path.join(' '))}) return 0 ;;`).join('\n')}
  esac
  return 1
}
complete -F _sailctl sailctl
`;
}

function zsh(nodes: Node[], profiles: string[], descriptions: boolean): string {
  const when = (flags: string[], action: string) => (flags.length === 0 ? '' : ` if [[ ${flags.map((f) => `"$prev" == ${quote(f)}`).join(' || ')} ]]; then ${action}; return; fi;`);
  const fileCases = nodes
    .map((n) => `    ${quote(n.path.join(' '))})${when(valued(n, 'file'), '_files')}${when(valued(n, 'dir'), '_files -/')}${n.fileArgs ? ` if [[ "\${words[CURRENT]}" != -* ]]; then _files; fi;` : ''} ;;`)
    .join('\n');
  const entry = (name: string, description: string) =>
    quote(descriptions && description ? `${name.replace(/:/g, '\\:')}:${description.replace(/\n/g, ' ')}` : name);
  const cases = nodes
    .map((n) => `    ${quote(n.path.join(' '))}) items=(${[...n.subcommands.map((s) => entry(s.name, s.description)), ...n.flags.map((f) => entry(f.name, f.description))].join(' ')}) ;;`)
    .join('\n');
  return `#compdef sailctl
# zsh completion for sailctl. Load it with: source <(sailctl completion zsh)
_sailctl() {
  local cmdpath="" w i
  local -a items known
  known=(${nodes.filter((n) => n.path.length > 0).map((n) => quote(n.path.join(' '))).join(' ')})
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    if (( \${known[(Ie)\${cmdpath:+$cmdpath }$w]} )); then cmdpath="\${cmdpath:+$cmdpath }$w"; fi
  done
  if [[ "\${words[CURRENT]}" == profile=* ]]; then
    compadd -P profile= -- ${profiles.map(quote).join(' ')}; return
  fi
  if [[ "$cmdpath" == 'profile dump' || "$cmdpath" == 'profile diff' ]] && [[ "\${words[CURRENT]}" != -* ]]; then
    compadd -- ${profiles.map(quote).join(' ')}; return
  fi
  local prev="\${words[CURRENT-1]}"
  case "$cmdpath" in
${fileCases}
  esac
  case "$cmdpath" in
${cases}
  esac
  _describe 'sailctl' items
}
if [[ "$funcstack[1]" == "_sailctl" ]]; then _sailctl "$@"; else compdef _sailctl sailctl; fi
`;
}

function fish(nodes: Node[], profiles: string[], descriptions: boolean): string {
  const lines = ['# fish completion for sailctl. Load it with: sailctl completion fish | source', 'complete -c sailctl -f'];
  const d = (text: string) => (descriptions && text ? ` -d ${quote(text.replace(/\n/g, ' '))}` : '');
  for (const n of nodes) {
    const condition = n.path.length === 0 ? '__fish_use_subcommand' : `__sailctl_path_is ${quote(n.path.join(' '))}`;
    for (const s of n.subcommands) lines.push(`complete -c sailctl -n ${quote(condition)} -a ${quote(s.name)}${d(s.description)}`);
    for (const f of n.flags) {
      const flag = f.name.startsWith('--') ? `-l ${f.name.slice(2)}` : `-s ${f.name.slice(1)}`;
      const value = f.value === 'file' ? ' -r -F' : f.value === 'dir' ? ` -r -a ${quote('(__fish_complete_directories)')}` : '';
      lines.push(`complete -c sailctl -n ${quote(condition)} ${flag}${value}${d(f.description)}`);
    }
    if (n.fileArgs) lines.push(`complete -c sailctl -n ${quote(condition)} -F`);
  }
  lines.push(`complete -c sailctl -n ${quote("__sailctl_path_is 'profile dump'; or __sailctl_path_is 'profile diff'")} -a ${quote(profiles.join(' '))}`);
  lines.push(`complete -c sailctl -n ${quote('string match -q -- "profile=*" (commandline -ct)')} -a ${quote(profiles.map((p) => `profile=${p}`).join(' '))}`);
  lines.push(`function __sailctl_path_is
    set -l known ${nodes.filter((n) => n.path.length > 0).map((n) => quote(n.path.join(' '))).join(' ')}
    set -l path ''
    for w in (commandline -opc)[2..-1]
        string match -q -- '-*' $w; and continue
        set -l candidate (string trim -- "$path $w")
        contains -- $candidate $known; and set path $candidate
    end
    test "$path" = "$argv[1]"
end`);
  return lines.join('\n') + '\n';
}

function powershell(nodes: Node[], profiles: string[]): string {
  const pathTable = nodes.map((n) => `  ${quote(n.path.join(' '))} = @(${[...valued(n, 'file'), ...valued(n, 'dir')].map(quote).join(', ')})`).join('\n');
  const table = nodes
    .map((n) => `  ${quote(n.path.join(' '))} = @(${[...n.subcommands.map((s) => s.name), ...n.flags.map((f) => f.name)].map(quote).join(', ')})`)
    .join('\n');
  return `# PowerShell completion for sailctl. Load it with: sailctl completion powershell | Out-String | Invoke-Expression
$__sailctlTree = @{
${table}
}
$__sailctlProfiles = @(${profiles.map(quote).join(', ')})
$__sailctlPathFlags = @{
${pathTable}
}
Register-ArgumentCompleter -Native -CommandName sailctl -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $path = ''
  $prev = ''
  foreach ($element in $commandAst.CommandElements | Select-Object -Skip 1) {
    $w = $element.ToString()
    if ($w -eq $wordToComplete) { continue }
    $prev = $w
    if ($w.StartsWith('-')) { continue }
    $candidate = ($path + ' ' + $w).Trim()
    if ($__sailctlTree.ContainsKey($candidate)) { $path = $candidate }
  }
  # a flag that takes a file or directory: no answer, so PowerShell completes paths itself
  if ($__sailctlPathFlags[$path] -contains $prev) { return }
  if ($wordToComplete.StartsWith('profile=')) {
    $__sailctlProfiles | ForEach-Object { "profile=$_" } | Where-Object { $_ -like "$wordToComplete*" } |
      ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
    return
  }
  $words = $__sailctlTree[$path]
  if ($path -eq 'profile dump' -or $path -eq 'profile diff') { $words = $words + $__sailctlProfiles }
  $words | Where-Object { $_ -like "$wordToComplete*" } |
    ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
`;
}
