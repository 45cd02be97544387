/**
 * Hostile servers over real sockets (issue 15): the `ci` cases of
 * reliability/scenarios/hostile-servers.ts, each against a raw TLS peer that writes the
 * bytes a broken or malicious server would. Each must end as the case says (a typed error
 * code, or the right data), within its bound, having let the server write no more than its
 * bound and, for a POST, sent only once. `npm run reliability -- hostile-servers` runs the
 * full sizes (2 GiB floods, 1 GiB bombs, the default 64 MiB limit) and reports peak memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawServer, startRawServer } from '../../reliability/lib/raw-server.js';
import { hostileCases, runHostileCase } from '../../reliability/scenarios/hostile-servers.js';

let server: RawServer;
beforeAll(async () => {
  server = await startRawServer();
});
afterAll(async () => {
  await server.close();
});

describe('hostile servers', () => {
  for (const c of hostileCases('ci')) {
    it(`${c.name}: ${c.does}`, async () => {
      const row = await runHostileCase(server, c);
      expect({ ended: row.ended, message: row.message }).toMatchObject({ ended: row.expected });
      expect(row.elapsedMs).toBeLessThanOrEqual(c.withinMs);
      if (c.maxWrittenBytes !== undefined) expect(row.writtenBytes).toBeLessThanOrEqual(c.maxWrittenBytes);
      if (c.maxRequests !== undefined) expect(row.requests).toBeLessThanOrEqual(c.maxRequests);
      expect(row.pass).toBe(true);
    }, 60_000);
  }
});
