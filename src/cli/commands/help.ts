/** `proxmox help [command | exit-codes]`, `proxmox <command> --help`: all from the registry. */
import { ENV_VARIABLE_HELP } from '../../config/env-variables.js';
import { type OptionTable, UsageError } from '../args.js';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.js';
import { CONNECTION_OPTIONS } from '../option-tables.js';
import { COMMANDS, findCommand } from './registry.js';

function optionLines(table: OptionTable): string {
  return twoColumns(
    Object.entries(table).map(([name, spec]) => {
      const short = spec.short ? `-${spec.short}, ` : '';
      return [`  ${short}--${name}${spec.value ? ` ${spec.arg ?? 'VALUE'}` : ''}`, spec.help] as const;
    }),
  );
}

/** Every PROXMOX_* variable, from the SDK's list (src/config/env-variables.ts). */
function environmentLines(): string {
  return twoColumns(Object.entries(ENV_VARIABLE_HELP).map(([name, help]) => [`  ${name}`, help] as const));
}

function twoColumns(rows: readonly (readonly [string, string])[]): string {
  const width = Math.min(40, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows
    .map(([left, help]) =>
      left.length + 2 > width ? `${left}\n${' '.repeat(width)}${help}` : `${left.padEnd(width)}${help}`,
    )
    .join('\n');
}

export function overview(): string {
  const visible = COMMANDS.filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length)) + 4;
  return `proxmox: the Proxmox VE/PBS/PMG/PDM API from the command line, the way pvesh speaks it

Usage: proxmox <command> [arguments] [options]

Commands:
${visible.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Examples:
  proxmox get /nodes --host pve.example.com --user root@pam
  proxmox create /nodes/pve1/qemu/100/status/start --wait
  proxmox get /cluster/resources -type vm --output-format json
  proxmox usage /nodes/{node}/qemu --command create --verbose
  proxmox mock serve --json

Connection options (every API command):
${optionLines(CONNECTION_OPTIONS)}

Environment (below the flags, above the profile):
${environmentLines()}

Run 'proxmox help <command>' for a command's options, 'proxmox help exit-codes' for exit statuses.
`;
}

export function commandHelp(name: string): string {
  const info = findCommand(name);
  if (info === undefined) throw new UsageError(`no such command '${name}'; run 'proxmox help'`);
  const synopsis = info.synopsis.map((s) => `  proxmox ${s}`).join('\n');
  const options = Object.keys(info.options).length > 0 ? `\nOptions:\n${optionLines(info.options)}\n` : '';
  const details = info.details ? `\n${info.details}\n` : '';
  // Commands that connect read the environment too.
  const environment = info.options.host !== undefined ? `\nEnvironment:\n${environmentLines()}\n` : '';
  return `proxmox ${info.name}: ${info.summary}\n\nUsage:\n${synopsis}\n${details}${options}${environment}`;
}

export function printHelp(name?: string): void {
  process.stdout.write(name === undefined ? overview() : commandHelp(name));
}

export async function run(argv: string[]): Promise<number> {
  const topic = argv.find((a) => !a.startsWith('-'));
  if (topic === 'exit-codes' || topic === 'exit-code') process.stdout.write(EXIT_CODES_HELP);
  else printHelp(topic);
  return EXIT.OK;
}
