/**
 * The start of a command that takes no API parameters: its words parsed against its own
 * option table (the options given before the command included), or its help printed.
 */
import { flag, type ParsedArgs, parseArgs } from '../args.js';
import { commandHelp } from './help.js';
import { findCommand } from './registry.js';

/** The parsed words, or undefined when `--help` was asked for (the help is printed). */
export function ownCommandLine(
  name: string,
  argv: readonly string[],
  globals: readonly string[],
): ParsedArgs | undefined {
  const info = findCommand(name)!;
  const parsed = parseArgs([...globals, ...argv], info.options, false);
  if (!flag(parsed.options, 'help')) return parsed;
  process.stdout.write(commandHelp(name));
  return undefined;
}
