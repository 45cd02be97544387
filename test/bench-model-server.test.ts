/**
 * The bench's pveproxy model (bench/model-server.ts) behaves as its source says, since the
 * issue 19.3 figures rest on it: pve-manager PVE/Service/pveproxy.pm (max_workers 3,
 * keep_alive 100, max_requests 1000) and pve-http-server PVE/APIServer/AnyEvent.pm
 * (token checked, a worker past max_requests replaced while its connections finish). It
 * asserts behaviour, no speed.
 */
import { fileURLToPath } from 'node:url';
import { Client, Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLinesChild, tsNode } from '../bench/lib/json-lines-child.js';
import type { Target } from '../bench/sim-process.js';

const module = fileURLToPath(new URL('../bench/model-server.ts', import.meta.url));
let server: JsonLinesChild<Target>;
let target: Target;
let origin: string;
let auth: Record<string, string>;

beforeAll(async () => {
  server = new JsonLinesChild<Target>(
    tsNode(module, [], [JSON.stringify({ model: 'pveproxy', guests: 30 })]),
  );
  target = await server.ready;
  origin = `https://${target.host}:${target.port}`;
  auth = { authorization: `PVEAPIToken=${target.user}!${target.tokenName}=${target.tokenValue}` };
}, 60_000);
afterAll(() => server?.close());

const tls = { connect: { rejectUnauthorized: false } };

describe('the pveproxy model', () => {
  it('answers the inventory routes with the token, 401 without it', async () => {
    const client = new Client(origin, tls);
    const resources = await client.request({
      path: '/api2/json/cluster/resources',
      method: 'GET',
      headers: auth,
    });
    const guests = (
      (await resources.body.json()) as { data: Array<{ type: string; node: string; vmid: number }> }
    ).data.filter((r) => r.type === 'qemu' || r.type === 'lxc');
    expect(guests).toHaveLength(30);
    const g = guests[0]!;
    const status = await client.request({
      path: `/api2/json/nodes/${g.node}/${g.type}/${g.vmid}/status/current`,
      method: 'GET',
      headers: auth,
    });
    expect(((await status.body.json()) as { data: { vmid: number } }).data.vmid).toBe(g.vmid);
    const refused = await client.request({ path: '/api2/json/version', method: 'GET' });
    expect(refused.statusCode).toBe(401);
    await refused.body.dump();
    await client.close();
  });

  it('closes a connection after 100 requests (keep_alive => 100)', async () => {
    const client = new Client(origin, tls);
    const closes: number[] = [];
    for (let i = 1; i <= 101; i++) {
      const r = await client.request({ path: '/api2/json/version', method: 'GET', headers: auth });
      if (r.headers.connection === 'close') closes.push(i);
      await r.body.dump();
    }
    // The 100th answer says close; the 101st went out on a new connection, its first.
    expect(closes).toEqual([100]);
    await client.close();
  });

  it('replaces a worker after 1000 requests (max_requests) without a failed call or a closed port', async () => {
    const before = (await server.call<{ restarts: number }>({ cmd: 'restarts' })).restarts;
    const pool = new Pool(origin, { ...tls, connections: 8 });
    let failures = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < 3200) {
          try {
            const r = await pool.request({ path: '/api2/json/version', method: 'GET', headers: auth });
            await r.body.dump();
            if (r.statusCode !== 200) failures++;
          } catch {
            failures++;
          }
        }
      }),
    );
    await pool.close();
    const after = (await server.call<{ restarts: number }>({ cmd: 'restarts' })).restarts;
    expect(failures).toBe(0);
    // 3 workers share the calls: at least one of them passed 1000.
    expect(after - before).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
