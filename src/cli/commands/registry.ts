/**
 * Every command: its synopsis, options and where its code lives. The code is imported
 * only when the command runs, so `proxmox get` never pays for `mock serve` or the schema.
 */
import { type OptionTable, UsageError } from '../args.js';
import {
  BULK_ACTIONS,
  BULK_OPTIONS,
  CONFIG_ADD_OPTIONS,
  CONNECTION_OPTIONS,
  HELP_OPTION,
  MOCK_OPTIONS,
  OUTPUT_OPTIONS,
  TRACE_OPTIONS,
  WAIT_OPTION,
} from '../option-tables.js';
import { GUEST_COMMANDS } from './guest-commands.js';

/** What a command module exports. */
export interface CommandModule {
  /**
   * `argv`: the words after the command's name; `globals`: the option words given before it
   * (`proxmox --profile lab get ...`), each one the command's own (main.ts checks).
   */
  run(argv: string[], name: string, globals: readonly string[]): Promise<number>;
}

export interface CommandInfo {
  name: string;
  summary: string;
  synopsis: readonly string[];
  options: OptionTable;
  /** Extra paragraphs for `proxmox help NAME`. */
  details?: string;
  /** The words that may follow the name (`config add`, `completion bash`): help and completion read them. */
  subcommands?: readonly string[];
  hidden?: boolean;
  load(): Promise<CommandModule>;
}

const API_CALL_OPTIONS: OptionTable = {
  ...OUTPUT_OPTIONS,
  ...WAIT_OPTION,
  ...TRACE_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...HELP_OPTION,
};

const callDetails = `API parameters follow the path, written as pvesh takes them: -key value, --key value
or -key=value; repeat a key to send a list; a boolean alone (-start) sends 1, -start 0 sends 0.
After the path every name the method's schema knows is an API parameter (pvesh's rule): in
  proxmox create /nodes/pve1/qemu/100/status/shutdown --timeout 60
timeout is the API's. The CLI's own options below are recognised after the path only where the
method has no parameter of that name; before the verb or the path they are always ours:
  proxmox --timeout 90 create /nodes/pve1/qemu/100/status/shutdown --timeout 60
Parameters are checked against the schema before anything is sent (exit 2 on a mistake).
Text output renders bytes, durations, percentages and times for people; --human-readable 0
prints the raw values.

Two-factor logins: the code is generated from PROXMOX_TOTP_SECRET or the profile's totpSecret;
PROXMOX_OTP gives one code; otherwise, on a terminal, the TOTP code or a recovery key is asked
for. The environment variables are listed below.`;

const loadCall = () => import('./call.js');

/** `[--name ARG] [--flag]` for each option of a table, as a synopsis shows them. */
function optionSynopsis(table: OptionTable, leave: readonly string[] = ['help']): string {
  return Object.entries(table)
    .filter(([name]) => !leave.includes(name))
    .map(([name, spec]) => `[--${name}${spec.value ? ` ${spec.arg ?? 'VALUE'}` : ''}]`)
    .join(' ');
}

const USAGE_OPTIONS: OptionTable = {
  verbose: { value: false, short: 'v', singleDash: true, help: 'list every parameter with its type' },
  returns: { value: false, singleDash: true, help: 'also print the schema of the returned data' },
  command: {
    value: true,
    singleDash: true,
    arg: 'VERB',
    help: 'only this command (get, set, create, delete)',
  },
  service: CONNECTION_OPTIONS.service!,
  profile: CONNECTION_OPTIONS.profile!,
  ...HELP_OPTION,
};
const CONFIG_SUBCOMMANDS = ['add', 'list', 'show', 'remove', 'use'] as const;
const SHELLS = ['bash', 'zsh', 'fish'] as const;

export const COMMANDS: readonly CommandInfo[] = [
  {
    name: 'get',
    summary: 'call GET on an API path',
    synopsis: ['[options] get <path> [--key value ...] [options]'],
    options: API_CALL_OPTIONS,
    details: callDetails,
    load: loadCall,
  },
  {
    name: 'create',
    summary: 'call POST on an API path',
    synopsis: ['[options] create <path> [--key value ...] [--wait] [options]'],
    options: API_CALL_OPTIONS,
    details: callDetails,
    load: loadCall,
  },
  {
    name: 'set',
    summary: 'call PUT on an API path',
    synopsis: ['[options] set <path> [--key value ...] [--wait] [options]'],
    options: API_CALL_OPTIONS,
    details: callDetails,
    load: loadCall,
  },
  {
    name: 'delete',
    summary: 'call DELETE on an API path',
    synopsis: ['[options] delete <path> [--key value ...] [--wait] [options]'],
    options: API_CALL_OPTIONS,
    details: callDetails,
    load: loadCall,
  },
  {
    name: 'ls',
    summary: 'list the child paths of an API path, with the methods they have',
    synopsis: ['ls [path] [--schema] [options]'],
    options: {
      schema: { value: false, help: 'list from the schema only, without asking the server' },
      ...OUTPUT_OPTIONS,
      ...CONNECTION_OPTIONS,
      ...HELP_OPTION,
    },
    details: `Capabilities as pvesh shows them: D has children, r GET, w PUT (set), c POST (create),
d DELETE. With a connection (flags, environment or profile) the children named by a
parameter ({node}, {vmid}) are asked of the server, as pvesh does; without one, or
with --schema, they are listed as templates.`,
    load: () => import('./ls.js'),
  },
  {
    name: 'usage',
    summary: 'show the methods and parameters of an API path, from the schema',
    synopsis: [`usage <path> ${optionSynopsis(USAGE_OPTIONS)}`],
    options: USAGE_OPTIONS,
    load: () => import('./usage.js'),
  },
  {
    name: 'bulk',
    summary: 'start, stop or shut down many guests, a few at a time, with progress',
    synopsis: [
      `bulk ${BULK_ACTIONS.join('|')} <vmid|name>... [options]`,
      `bulk ${BULK_ACTIONS.join('|')} --all|--all-running|--all-stopped ${optionSynopsis(BULK_OPTIONS, ['help', 'all', 'all-running', 'all-stopped'])}`,
    ],
    options: {
      ...BULK_OPTIONS,
      'output-format': OUTPUT_OPTIONS['output-format']!,
      noborder: OUTPUT_OPTIONS.noborder!,
      noheader: OUTPUT_OPTIONS.noheader!,
      quiet: OUTPUT_OPTIONS.quiet!,
      debug: TRACE_OPTIONS.debug!,
      ...CONNECTION_OPTIONS,
      ...HELP_OPTION,
    },
    subcommands: BULK_ACTIONS,
    details: `Guests by vmid or name (a name must be unique), or every guest in a state; --node and
--type narrow either. Each guest ends with its own result: a failure stops nothing.
stderr shows the progress: on a terminal a bar under one line per finished guest, elsewhere
just the lines. stdout gets the results table (--output-format json for scripts). Exit 0
when every guest ended as asked, 5 when any failed, 130 on Ctrl-C (guests not yet started
are left alone). stop and shutdown of guests picked by --all... ask first (--yes: do not).
A shutdown that takes longer than --shutdown-timeout ends with a hard stop (--no-force: fails).`,
    load: () => import('./bulk.js'),
  },
  {
    name: 'config',
    summary: `manage connection profiles (${CONFIG_SUBCOMMANDS.join(', ')})`,
    subcommands: CONFIG_SUBCOMMANDS,
    synopsis: [
      'config add <name> --host HOST --user USER@REALM [--token-name NAME] [--password-stdin | --token-value-stdin | --password-command CMD] [options]',
      'config list [--output-format F]',
      'config show [name] [--output-format F]',
      'config remove <name>',
      'config use <name>',
    ],
    options: { ...CONFIG_ADD_OPTIONS, 'output-format': OUTPUT_OPTIONS['output-format']!, ...HELP_OPTION },
    details: `Profiles live in the SDK's profile store, $XDG_CONFIG_HOME/proxmox/config.yaml (~/.config/...).
\`show\` masks secrets. Without a secret option, \`add\` asks for the password (or the token
secret with --token-name) on the terminal. Resolution when a command runs: flags, then
PROXMOX_* variables, then the profile (--profile NAME, PROXMOX_PROFILE, or the default).`,
    load: () => import('./config.js'),
  },
  {
    name: 'mock',
    summary: 'run a local Proxmox API simulator (mock serve)',
    synopsis: [`mock serve ${optionSynopsis(MOCK_OPTIONS)}`],
    subcommands: ['serve'],
    options: { ...MOCK_OPTIONS, ...HELP_OPTION },
    details: 'Runs until Ctrl-C (SIGINT) or SIGTERM, then closes cleanly.',
    load: () => import('./mock.js'),
  },
  ...GUEST_COMMANDS,
  {
    name: 'completion',
    summary: `print the shell completion script (${SHELLS.join(', ')})`,
    synopsis: [`completion ${SHELLS.join('|')}`],
    subcommands: SHELLS,
    options: HELP_OPTION,
    details: `bash:  source <(proxmox completion bash)      (or write it to ~/.local/share/bash-completion/completions/proxmox)
zsh:   proxmox completion zsh > "\${fpath[1]}/_proxmox"
fish:  proxmox completion fish > ~/.config/fish/completions/proxmox.fish`,
    load: () => import('./completion.js'),
  },
  {
    name: 'help',
    summary: 'show help for a command, or `help exit-codes`',
    synopsis: ['help [command | exit-codes]'],
    options: HELP_OPTION,
    load: () => import('./help.js'),
  },
  {
    name: '__complete',
    summary: 'completion candidates (used by the completion scripts)',
    synopsis: ['__complete <words...>'],
    options: {},
    hidden: true,
    load: () => import('./complete.js'),
  },
];

export function findCommand(name: string | undefined): CommandInfo | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/**
 * The command a word names: its full name, or a prefix only one visible command has
 * (`proxmox g` is `get`), as pvesh expands commands (pve-common CLIHandler::resolve_cmd).
 */
/** pvesh's verbs (PVE/CLI/pvesh.pm cmddef). */
const PVESH_VERBS: ReadonlySet<string> = new Set(['ls', 'get', 'set', 'create', 'delete', 'usage', 'help']);

export function resolveCommand(word: string): CommandInfo {
  const exact = findCommand(word);
  if (exact !== undefined) return exact;
  // pvesh's own verbs win a prefix, as pvesh resolves them among its verbs alone (pve-common
  // CLIHandler.pm resolve_cmd / expand_command_name): `proxmox s` stays `set` and `c` `create`
  // although `shell` and `config` begin the same way. Other commands resolve among all.
  const verbs = COMMANDS.filter((c) => PVESH_VERBS.has(c.name) && c.name.startsWith(word));
  if (verbs.length === 1) return verbs[0]!;
  const matches = COMMANDS.filter((c) => !c.hidden && c.name.startsWith(word));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new UsageError(`ambiguous command '${word}': ${matches.map((c) => c.name).join(', ')}`);
  }
  throw new UsageError(`unknown command '${word}'; run 'proxmox help' for the list`);
}
