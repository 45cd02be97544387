/**
 * `proxmox config add|list|show|remove|use`: connection profiles in the SDK's store.
 * Secrets are taken from stdin or a prompt (never argv), or replaced by a
 * `passwordCommand` the store runs when the profile is used; `show` masks them.
 */
import { flag, type ParsedArgs, parseArgs, UsageError } from '../args.js';
import { optionsFromFlags } from '../connection.js';
import { CliError, EXIT } from '../exit-codes.js';
import { CONFIG_ADD_OPTIONS, HELP_OPTION, OUTPUT_OPTIONS } from '../option-tables.js';
import { formatOutput, localeIsUtf8, type OutputFormat, parseOutputFormat } from '../output/render.js';
import {
  configPath,
  getProfile,
  listProfiles,
  maskSecrets,
  type ProfileData,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from '../profile-store.js';
import { promptSecret, readStdinSecret } from '../prompt.js';
import { printHelp } from './help.js';

const NAME = /^[A-Za-z0-9][\w.-]*$/;

function profileName(value: string | undefined, verb: string): string {
  if (value === undefined) throw new UsageError(`config ${verb}: a profile name is needed`);
  if (!NAME.test(value)) {
    throw new UsageError(`profile name '${value}': use letters, digits, '.', '_' and '-'`);
  }
  return value;
}

async function print(data: unknown, format: OutputFormat, columnOrder?: readonly string[]): Promise<void> {
  process.stdout.write(
    await formatOutput(data, {
      format,
      ...(columnOrder ? { columnOrder } : {}),
      columns: process.stdout.isTTY ? process.stdout.columns : undefined,
      utf8: localeIsUtf8(),
    }),
  );
}

/** The secret to store, by the one way the flags chose; undefined for none. */
async function secretFor(parsed: ParsedArgs, settings: ProfileData): Promise<ProfileData> {
  const o = parsed.options;
  const ways = [
    'password-stdin',
    'token-value-stdin',
    'password-command',
    'token-value-command',
    'no-secret',
  ].filter((k) => o[k] !== undefined);
  if (ways.length > 1) throw new UsageError(`config add: give one of --${ways.join(', --')}`);
  const token = settings.tokenName !== undefined;
  if (flag(o, 'password-stdin')) {
    if (token)
      throw new UsageError('config add: --password-stdin with --token-name; use --token-value-stdin');
    return { password: await readStdinSecret('--password-stdin') };
  }
  if (flag(o, 'token-value-stdin')) {
    if (!token) throw new UsageError('config add: --token-value-stdin needs --token-name');
    return { tokenValue: await readStdinSecret('--token-value-stdin') };
  }
  if (typeof o['password-command'] === 'string') {
    if (token)
      throw new UsageError('config add: --password-command with --token-name; use --token-value-command');
    return { passwordCommand: o['password-command'] };
  }
  if (typeof o['token-value-command'] === 'string') {
    if (!token) throw new UsageError('config add: --token-value-command needs --token-name');
    return { tokenValueCommand: o['token-value-command'] };
  }
  if (flag(o, 'no-secret') || settings.backend === 'mock') return {};
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'config add: no terminal to ask for the secret; use --password-stdin, --token-value-stdin, --password-command, --token-value-command or --no-secret',
    );
  }
  return token
    ? { tokenValue: await promptSecret(`API token secret for ${settings.user}!${settings.tokenName}: `) }
    : { password: await promptSecret(`Password for ${settings.user}: `) };
}

async function add(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, { ...CONFIG_ADD_OPTIONS, ...HELP_OPTION }, false);
  if (flag(parsed.options, 'help')) {
    printHelp('config');
    return EXIT.OK;
  }
  const [raw, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const name = profileName(raw, 'add');
  const settings: ProfileData = { ...optionsFromFlags(parsed.options) };
  if (settings.host === undefined && settings.backend !== 'mock' && settings.backend !== 'local') {
    throw new UsageError('config add: --host is needed');
  }
  if (settings.user === undefined && settings.backend !== 'mock' && settings.backend !== 'local') {
    throw new UsageError('config add: --user is needed');
  }
  const existing = await listProfiles();
  if (existing.some((p) => p.name === name) && !flag(parsed.options, 'force')) {
    throw new CliError(`profile '${name}' exists; add --force to replace it`, EXIT.USAGE);
  }
  const secret = await secretFor(parsed, settings);
  let profile: ProfileData = { ...settings, ...secret };
  const totp = parsed.options['totp-secret-command'];
  if (typeof totp === 'string') {
    // API tokens never answer a second factor: only a password login has one.
    if (settings.tokenName !== undefined)
      throw new UsageError('config add: --totp-secret-command with --token-name');
    profile = { ...profile, totpSecretCommand: totp };
  }
  if (!flag(parsed.options, 'no-check')) {
    const { checkProfile } = await import('./config-check.js');
    profile = await checkProfile(name, profile, argv);
  }
  await saveProfile(name, profile);
  const makeDefault = flag(parsed.options, 'default') || existing.length === 0;
  if (makeDefault) await setDefaultProfile(name);
  const where = await configPath();
  process.stderr.write(
    `profile '${name}' saved${where ? ` in ${where}` : ''}${makeDefault ? ' (default)' : ''}\n`,
  );
  return EXIT.OK;
}

/** How a profile logs in, for `config list` (never the secret itself). */
function authKind(data: ProfileData): string {
  if (data.tokenName !== undefined) {
    return data.tokenValueCommand !== undefined
      ? 'token (command)'
      : data.tokenValue !== undefined
        ? 'token'
        : 'token (prompt)';
  }
  if (data.passwordCommand !== undefined) return 'password (command)';
  return data.password !== undefined ? 'password' : 'password (prompt)';
}

async function list(parsed: ParsedArgs): Promise<number> {
  const format = parseOutputFormat(parsed.options['output-format']);
  const rows: ProfileData[] = [];
  for (const p of await listProfiles()) {
    const data = (await getProfile(p.name)) ?? {};
    const auth = authKind(data);
    rows.push({
      name: p.name,
      default: p.isDefault ? 1 : 0,
      host: data.host ?? '',
      user: data.user ?? '',
      service: String(data.service ?? 'PVE').toUpperCase(),
      auth,
    });
  }
  if (format === 'text' && rows.length === 0) {
    const where = await configPath();
    process.stderr.write(`no profiles${where ? ` in ${where}` : ''}; add one with 'proxmox config add'\n`);
    return EXIT.OK;
  }
  await print(rows, format, ['name', 'default', 'service', 'host', 'user', 'auth']);
  return EXIT.OK;
}

async function show(parsed: ParsedArgs): Promise<number> {
  const format = parseOutputFormat(parsed.options['output-format']);
  let name = parsed.positionals[1];
  if (name === undefined) {
    name = (await listProfiles()).find((p) => p.isDefault)?.name;
    if (name === undefined) throw new CliError('no default profile; name one', EXIT.NOT_FOUND);
  }
  const data = await getProfile(name);
  if (data === undefined) throw new CliError(`no such profile '${name}'`, EXIT.NOT_FOUND);
  await print({ name, ...maskSecrets(data) }, format);
  return EXIT.OK;
}

/**
 * The default profile is gone: the only one left becomes the default (nothing else could
 * be meant); with several left, say how to choose, rather than silently using none.
 */
async function afterDefaultRemoved(): Promise<void> {
  const left = (await listProfiles()).map((p) => p.name);
  if (left.length === 1) {
    await setDefaultProfile(left[0]!);
    process.stderr.write(`default profile: ${left[0]} (the only one left)\n`);
  } else if (left.length > 1) {
    process.stderr.write(
      `no default profile now; choose one with 'proxmox config use NAME' (profiles: ${left.join(', ')})\n`,
    );
  }
}

async function ensureExists(name: string): Promise<void> {
  if (!(await listProfiles()).some((p) => p.name === name)) {
    throw new CliError(`no such profile '${name}'`, EXIT.NOT_FOUND);
  }
}

export async function run(
  argv: string[],
  _name = 'config',
  globals: readonly string[] = [],
): Promise<number> {
  const [sub, ...afterSub] = argv;
  const rest = [...globals, ...afterSub];
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    printHelp('config');
    return sub === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (sub === 'add') return add(rest);
  const parsed = parseArgs(
    [sub, ...rest],
    { 'output-format': OUTPUT_OPTIONS['output-format']!, ...HELP_OPTION },
    false,
  );
  if (flag(parsed.options, 'help')) {
    printHelp('config');
    return EXIT.OK;
  }
  if (parsed.positionals.length > 2) throw new UsageError(`too many arguments for config ${sub}`);
  switch (sub) {
    case 'list':
    case 'ls':
      return list(parsed);
    case 'show':
      return show(parsed);
    case 'remove':
    case 'rm': {
      const name = profileName(parsed.positionals[1], 'remove');
      await ensureExists(name);
      const wasDefault = (await listProfiles()).some((p) => p.name === name && p.isDefault);
      await removeProfile(name);
      process.stderr.write(`profile '${name}' removed\n`);
      if (wasDefault) await afterDefaultRemoved();
      return EXIT.OK;
    }
    case 'use': {
      const name = profileName(parsed.positionals[1], 'use');
      await ensureExists(name);
      await setDefaultProfile(name);
      process.stderr.write(`default profile: ${name}\n`);
      return EXIT.OK;
    }
    default:
      throw new UsageError(`unknown config command '${sub}'; expected add, list, show, remove or use`);
  }
}
