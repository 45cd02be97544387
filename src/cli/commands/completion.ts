/**
 * `proxmox completion bash|zsh|fish`: the shell scripts. The command names are written
 * into each script (no process to start for the first word; zsh and fish show the
 * summaries); everything after them is handed to `proxmox __complete` (complete.ts), so
 * the three shells share one implementation. A candidate ending in `/` is a path to
 * descend into: the scripts add no space after it.
 */
import { UsageError } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { COMMANDS } from './registry.js';

const visible = COMMANDS.filter((c) => !c.hidden);
/** A shell single-quoted word. */
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const NAMES = visible.map((c) => c.name).join(' ');

const BASH = `# bash completion for proxmox (proxmox-sdk)
# load with:  source <(proxmox completion bash)
_proxmox_complete() {
  # COMP_WORDS is split at ':' and '=' too (fingerprints, UPIDs, -key=value): split the line ourselves.
  local line="\${COMP_LINE:0:COMP_POINT}"
  local -a words
  # Without -r, read takes a backslash as an escape, as the shell does: /nodes/\\{node\\}/ is /nodes/{node}/.
  read -a words <<< "$line"
  local cur=""
  if [[ ! "$line" =~ [[:space:]]$ ]]; then cur="\${words[\${#words[@]}-1]}"; unset "words[\${#words[@]}-1]"; fi
  # Quotes are the shell's, not the word's: readline completes the text after an opening quote.
  local i
  for i in "\${!words[@]}"; do words[i]=\${words[i]//[\\"\\']/}; done
  cur=\${cur//[\\"\\']/}
  if [[ \${#words[@]} -le 1 && "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W '${NAMES}' -- "$cur"))
    return
  fi
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
# install: save as _proxmox in a directory on fpath, before compinit runs
#   (mkdir -p ~/.zfunc; proxmox completion zsh > ~/.zfunc/_proxmox; in ~/.zshrc: fpath=(~/.zfunc $fpath)),
#   or in ~/.zshrc after compinit: source <(proxmox completion zsh)
_proxmox() {
  if (( CURRENT == 2 )) && [[ "$PREFIX" != -* ]]; then
    local -a commands
    commands=(
${visible.map((c) => `      ${quote(`${c.name}:${c.summary}`)}`).join('\n')}
    )
    _describe 'command' commands
    return
  fi
  # words and PREFIX keep the quoting typed on the line (zsh itself inserts \\{node\\}):
  # __complete wants the values. Inside an open quote PREFIX is already unquoted.
  local cur=\${(Q)PREFIX}
  [[ -n "\${compstate[quote]}" ]] && cur=$PREFIX
  local -a found dirs others
  found=("\${(@f)$(proxmox __complete "\${(@Q)words[2,CURRENT-1]}" "$cur" 2>/dev/null)}")
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
    # -o unescapes the words before the cursor; the current token is raw (fish inserts
    # /nodes/\\{node\\}/ itself): unescape it too. "$cur": an empty token is still a word.
    set -l words (commandline -opc)
    set -e words[1]
    set -l cur (commandline -ct | string unescape)
    proxmox __complete $words "$cur" 2>/dev/null
end
# The command names (with summaries) for the first word; anything else, options before the
# command included (proxmox --profile lab get ...), from __complete.
function __proxmox_first_word
    test (count (commandline -opc)) -eq 1; and not string match -q -- '-*' (commandline -ct)
end
complete -c proxmox -f -n 'not __proxmox_first_word' -a '(__proxmox_complete)'
${visible.map((c) => `complete -c proxmox -f -n '__proxmox_first_word' -a ${c.name} -d ${quote(c.summary)}`).join('\n')}
`;

export const SCRIPTS: Readonly<Record<string, string>> = { bash: BASH, zsh: ZSH, fish: FISH };

export async function run(argv: string[]): Promise<number> {
  const shell = argv.find((a) => !a.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) {
    const { printHelp } = await import('./help.js');
    printHelp('completion');
    return EXIT.OK;
  }
  const script = shell === undefined ? undefined : SCRIPTS[shell];
  if (script === undefined) throw new UsageError('completion: expected bash, zsh or fish');
  process.stdout.write(script);
  return EXIT.OK;
}
