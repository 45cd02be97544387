/**
 * What a command loads (docs/cli.md "Start-up"): completion runs at every Tab and `config`
 * reads a file; neither may pull in the HTTP stack when it sends nothing. Our HTTP/1.1
 * client is bundled into the binary, so a preloaded hook counts what it loads first:
 * Node's `tls` module (and undici's modules, which nothing may load any more).
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
  hook = join(home, 'count-http.cjs');
  writeFileSync(
    hook,
    `const M = require('module'); const load = M._load; let n = 0;
M._load = function (request, ...rest) { if (/undici|^(node:)?tls$/.test(request)) n++; return load.call(this, request, ...rest); };
process.on('exit', () => process.stderr.write('http modules: ' + n + '\\n'));`,
  );
  env = baseEnv(home);
});

async function httpModules(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<number> {
  const r = await runCollecting(process.execPath, ['-r', hook, bin, ...args], { ...env, ...extra });
  const count = /http modules: (\d+)/.exec(r.stderr)?.[1];
  if (count === undefined) throw new Error(`no count in: ${r.stderr}`);
  return Number(count);
}

describe('start-up imports', () => {
  it('completion and config load no HTTP stack; a call does (the hook counts)', async () => {
    expect(await httpModules(['__complete', 'get', '/no'])).toBe(0);
    expect(await httpModules(['config', 'list'])).toBe(0);
    // A call to a port nobody listens on still loads the HTTP stack before it fails.
    expect(
      await httpModules(['get', '/version', '--host', '127.0.0.1:1', '--user', 'a@pam'], {
        PROXMOX_PASSWORD: 'x',
      }),
    ).toBeGreaterThan(0);
  });
});
