/**
 * What a command loads (docs/cli.md "Start-up"): completion runs at every Tab and `config`
 * reads a file; neither may pull in the HTTP stack (undici) when it sends nothing. A
 * preloaded hook counts undici's modules as the built binary loads them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, cliBin, runCollecting, tempConfigHome } from './helpers.js';

let bin: string;
let hook: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  bin = await cliBin();
  const home = await tempConfigHome();
  hook = join(home, 'count-undici.cjs');
  writeFileSync(
    hook,
    `const M = require('module'); const load = M._load; let n = 0;
M._load = function (request, ...rest) { if (/undici/.test(request)) n++; return load.call(this, request, ...rest); };
process.on('exit', () => process.stderr.write('undici modules: ' + n + '\\n'));`,
  );
  env = baseEnv(home);
});

async function undiciModules(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<number> {
  const r = await runCollecting(process.execPath, ['-r', hook, bin, ...args], { ...env, ...extra });
  const count = /undici modules: (\d+)/.exec(r.stderr)?.[1];
  if (count === undefined) throw new Error(`no count in: ${r.stderr}`);
  return Number(count);
}

describe('start-up imports', () => {
  it('completion and config load no HTTP stack; a call does (the hook counts)', async () => {
    expect(await undiciModules(['__complete', 'get', '/no'])).toBe(0);
    expect(await undiciModules(['config', 'list'])).toBe(0);
    // A call to a port nobody listens on still loads the HTTP stack before it fails.
    expect(
      await undiciModules(['get', '/version', '--host', '127.0.0.1:1', '--user', 'a@pam'], {
        PROXMOX_PASSWORD: 'x',
      }),
    ).toBeGreaterThan(0);
  });
});
