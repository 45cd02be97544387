/**
 * The start every command without API parameters shares (src/cli/commands/command-line.ts):
 * `--help` prints that command's own help and exits 0 before anything connects, also when
 * the option stands before the command's name; other words reach the command.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, cliBin, proxmox, tempConfigHome } from './helpers.js';

let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await cliBin();
  // No host anywhere: a command that tried to connect would fail instead of printing help.
  env = baseEnv(await tempConfigHome());
});

describe('proxmox <command> --help', () => {
  it.each(['exec', 'console', 'shell', 'vnc', 'bulk'])(
    '%s --help prints its own help and exits 0',
    async (name) => {
      const r = await proxmox([name, '--help'], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe((await proxmox(['help', name], { env })).stdout);
      expect(r.stdout).toContain(`proxmox ${name}`);
    },
  );

  it('--help given before the command counts too', async () => {
    const r = await proxmox(['--help', 'vnc'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('proxmox vnc');
  });

  it('without --help the words reach the command: its own usage error, exit 2', async () => {
    const r = await proxmox(['vnc', '101', 'extra'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('too many arguments: extra');
  });
});
