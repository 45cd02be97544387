/**
 * `proxmox completion bash|zsh|fish`: the shell scripts. Each is a thin shim that hands
 * the words typed so far to `proxmox __complete` (complete.ts) and offers its lines, so the
 * three shells share one implementation. A candidate ending in `/` is a path to descend
 * into: the scripts add no space after it.
 */
import { UsageError } from './args.js';
import { EXIT } from './exit-codes.js';

const BASH = `# bash completion for proxmox (proxmox-sdk)
# load with:  source <(proxmox completion bash)
_proxmox_complete() {
  # COMP_WORDS is split at ':' and '=' too (fingerprints, UPIDs, -key=value): split the line ourselves.
  local line="\${COMP_LINE:0:COMP_POINT}"
  local -a words
  read -r -a words <<< "$line"
  local cur=""
  if [[ ! "$line" =~ [[:space:]]$ ]]; then cur="\${words[\${#words[@]}-1]}"; unset "words[\${#words[@]}-1]"; fi
  local IFS=$'\\n'
  local -a found
  found=($(proxmox __complete "\${words[@]:1}" "$cur" 2>/dev/null))
  # bash replaces only the part after the last word break: offer that part.
  local prefix="\${cur%"\${cur##*[:=]}"}"
  COMPREPLY=()
  local c
  for c in "\${found[@]}"; do COMPREPLY+=("\${c#"$prefix"}"); done
  if [[ \${#COMPREPLY[@]} -eq 1 && "\${COMPREPLY[0]}" == */ ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -F _proxmox_complete proxmox
`;

const ZSH = `#compdef proxmox
# zsh completion for proxmox (proxmox-sdk)
# install: proxmox completion zsh > "\${fpath[1]}/_proxmox"   (or: source <(proxmox completion zsh))
_proxmox() {
  local -a found dirs others
  found=("\${(@f)$(proxmox __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  found=(\${found:#})
  dirs=(\${(M)found:#*/})
  others=(\${found:#*/})
  (( \${#dirs} )) && compadd -S '' -- "\${dirs[@]}"
  (( \${#others} )) && compadd -- "\${others[@]}"
  return 0
}
if [[ "\${funcstack[1]}" == "_proxmox" ]]; then
  _proxmox "$@"
else
  compdef _proxmox proxmox
fi
`;

const FISH = `# fish completion for proxmox (proxmox-sdk)
# install: proxmox completion fish > ~/.config/fish/completions/proxmox.fish
function __proxmox_complete
    set -l words (commandline -opc)
    set -e words[1]
    proxmox __complete $words (commandline -ct) 2>/dev/null
end
complete -c proxmox -f -a '(__proxmox_complete)'
`;

export const SCRIPTS: Readonly<Record<string, string>> = { bash: BASH, zsh: ZSH, fish: FISH };

export async function run(argv: string[]): Promise<number> {
  const shell = argv.find((a) => !a.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) {
    const { printHelp } = await import('./commands/help.js');
    printHelp('completion');
    return EXIT.OK;
  }
  const script = shell === undefined ? undefined : SCRIPTS[shell];
  if (script === undefined) throw new UsageError('completion: expected bash, zsh or fish');
  process.stdout.write(script);
  return EXIT.OK;
}
