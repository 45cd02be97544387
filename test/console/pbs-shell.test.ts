/**
 * A PBS node shell through the SDK, against the PBS simulator over real TLS. Server side
 * after proxmox-backup src/api2/node/mod.rs (termproxy: pam users only, no tokens, `user`
 * answered as the bare name, a PBSTERM ticket bound to user, /system and port;
 * upgrade_to_websocket) and src/auth.rs (check_path_ticket); the proxy is pve-xtermjs's
 * termproxy, as on PVE.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProxmoxSDK } from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { rejection, Screen } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ service: 'PBS', taskDurationMs: 20, authFailureDelayMs: 0 });
});
afterAll(async () => {
  await sim.close();
});

const client = (user: string, secret: { password: string } | { tokenName: string; tokenValue: string }) =>
  new ProxmoxSDK({ service: 'PBS', host: sim.host, port: sim.port, ca: sim.ca, user, ...secret });

it('root@pam gets a root shell: the ticket line names root@pam although termproxy answered the bare name', async () => {
  const root = sim.users.find((u) => u.userid === 'root@pam')!;
  await using px = client('root@pam', { password: root.password });
  const answer = (await px.request('POST /nodes/{node}/termproxy', { node: 'localhost' })) as {
    user: string;
    ticket: string;
  };
  expect(answer.user).toBe('root');
  expect(answer.ticket).toMatch(/^PBSTERM::[0-9A-F]{8}::/);
  const term = await px.consoles.shell('localhost');
  const screen = new Screen(term);
  await screen.waitFor(':~# ');
  term.write('whoami\r');
  await screen.waitFor('\r\nroot\r\n');
  expect(term.upid).toMatch(/:termproxy::root@pam:$/);
  term.destroy();
});

it('an API token is refused at termproxy (400 "API tokens cannot access this API endpoint"), without its secret in the error', async () => {
  // automation@pbs!full holds Admin on / (Sys.Console on /system too): the refusal is the handler's.
  const user = sim.users.find((u) => u.tokens.some((t) => t.tokenid === 'full'))!;
  const token = user.tokens.find((t) => t.tokenid === 'full')!;
  await using px = client(user.userid, { tokenName: token.tokenid, tokenValue: token.value });
  const error = await rejection(px.consoles.shell('localhost'));
  expect(error.code).toBe('PROXMOX_RESOURCE');
  expect(error.statusCode).toBe(400);
  expect(error.message).toContain('API tokens cannot access this API endpoint');
  expect(error.message).not.toContain(token.value);
});

it('a user of another realm is refused: only pam users can use the console', async () => {
  const user = sim.users.find((u) => !u.userid.endsWith('@pam'))!;
  await using px = client(user.userid, { password: user.password });
  await expect(px.consoles.shell('localhost')).rejects.toMatchObject({
    statusCode: 400,
    message: expect.stringContaining('only pam users can use the console'),
  });
});
