/**
 * The CLI reads its facts from the SDK's single copies (issue 20.4): UPIDs from
 * src/core/upid.ts, verbs from src/client/path.ts, schema lookup from src/schema/lookup.ts,
 * and its help listings from the option tables and the registry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandHelp } from '../../src/cli/commands/help.js';
import { COMMANDS, findCommand } from '../../src/cli/commands/registry.js';
import { MOCK_OPTIONS } from '../../src/cli/option-tables.js';
import { describeUpid } from '../../src/cli/output/progress.js';
import { VERB_METHODS } from '../../src/cli/schema.js';
import { VERBS } from '../../src/client/path.js';
import { REPO } from './helpers.js';

describe('one source per fact in the CLI', () => {
  it('describes PVE and PBS UPIDs with the SDK parser (PBS has a task id field, escapes : in the id)', () => {
    expect(describeUpid('UPID:pve1:00001000:002A3B4C:6B1313C0:qmstart:100:root@pam:')).toBe(
      'qmstart 100 on pve1',
    );
    expect(
      describeUpid('UPID:pbs:000003E8:00000F00:00000002:6B1313C0:verify:store1\\x3avm-100:root@pam:'),
    ).toBe('verify store1\\x3avm-100 on pbs');
    expect(() => describeUpid('UPID:broken')).toThrow(/not a UPID/);
  });

  it("the CLI's verbs are the SDK's", () => {
    for (const [verb, method] of Object.entries(VERB_METHODS)) expect(VERBS[verb]).toBe(method);
    expect(Object.keys(VERB_METHODS).sort()).toEqual(['create', 'delete', 'get', 'set']);
  });

  it("docs/cli.md's command table names every command of the registry, with its subcommands", () => {
    const docs = readFileSync(join(REPO, 'docs/cli.md'), 'utf8');
    const table = docs.slice(docs.indexOf('## Commands'), docs.indexOf('### Paths and parameters'));
    for (const command of COMMANDS.filter((c) => !c.hidden)) {
      const row = table
        .split('\n')
        .find((l) => new RegExp(`\`${command.name}[ \`]|, \`${command.name}\``).test(l));
      expect(row, command.name).toBeDefined();
      for (const sub of command.subcommands ?? []) expect(row, `${command.name} ${sub}`).toContain(sub);
    }
  });

  it('synopses and subcommands come from the option tables and the registry', () => {
    const mock = findCommand('mock')!.synopsis[0]!;
    for (const name of Object.keys(MOCK_OPTIONS)) expect(mock).toContain(`[--${name}`);
    for (const command of COMMANDS.filter((c) => c.subcommands !== undefined && !c.hidden)) {
      const help = commandHelp(command.name);
      for (const sub of command.subcommands!) expect(help).toContain(sub);
    }
  });
});
