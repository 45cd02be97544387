import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { expandRoute, pathNode } from '../../src/client/path.js';
import { isInvalidArgumentError } from '../../src/core/errors.js';

function recorder() {
  const calls: unknown[][] = [];
  const root = pathNode('', async (...args) => {
    calls.push(args);
    return 'ok';
  }) as any;
  return { root, calls };
}

describe('fluent path proxy', () => {
  it('builds paths from properties and ids, one encoded segment each', async () => {
    const { root, calls } = recorder();
    await root.nodes('pve1').qemu(100).status.start.post({ timeout: 30 });
    await root.nodes('pve1').storage('local').content('local:iso/x.iso').get();
    await root.access.users('a@pve').token('t').delete();
    await root.nodes('n').qemu(1).agent['get-fsinfo'].get();
    expect(calls).toEqual([
      ['POST', '/nodes/pve1/qemu/100/status/start', { timeout: 30 }, undefined],
      ['GET', '/nodes/pve1/storage/local/content/local%3Aiso%2Fx.iso', undefined, undefined],
      ['DELETE', '/access/users/a%40pve/token/t', undefined, undefined],
      ['GET', '/nodes/n/qemu/1/agent/get-fsinfo', undefined, undefined],
    ]);
  });

  it('reuses static nodes of a remembering root, never a node below an id', async () => {
    const calls: unknown[][] = [];
    const root = pathNode(
      '',
      async (...args) => {
        calls.push(args);
        return 'ok';
      },
      true,
    ) as any;
    // The same objects on every read: `px.version.get()` builds nothing after the first call.
    expect(root.cluster.resources).toBe(root.cluster.resources);
    expect(root.version.get).toBe(root.version.get);
    await root.version.get();
    await root.version.get({ a: 1 });
    // Below ids each node is its own, so two ids never share a remembered path.
    await root.nodes('a').qemu(1).status.current.get();
    await root.nodes('b').qemu(2).status.current.get();
    expect(root.nodes('a').qemu).not.toBe(root.nodes('a').qemu);
    // Past the memo's size, reads still give the right paths.
    for (let i = 0; i < 600; i++) expect(String(root[`k${i}`].x)).toBe(`/k${i}/x`);
    await root.k599.create.post();
    await root.config.cluster.create.get();
    expect(calls).toEqual([
      ['GET', '/version', undefined, undefined],
      ['GET', '/version', { a: 1 }, undefined],
      ['GET', '/nodes/a/qemu/1/status/current', undefined, undefined],
      ['GET', '/nodes/b/qemu/2/status/current', undefined, undefined],
      ['POST', '/k599/create', undefined, undefined],
      ['GET', '/config/cluster/create', undefined, undefined],
    ]);
  });

  it('maps create and set to POST and PUT, and the root to /', async () => {
    const { root, calls } = recorder();
    await root.pools.create({ poolid: 'p' });
    await root.nodes('n').qemu(1).config.set({ memory: 2048 });
    await root.get();
    expect(calls.map((c) => [c[0], c[1]])).toEqual([
      ['POST', '/pools'],
      ['PUT', '/nodes/n/qemu/1/config'],
      ['GET', '/'],
    ]);
  });

  it('continues the path through a segment named like a verb (PMG /config/cluster/create)', async () => {
    const { root, calls } = recorder();
    await root.config.cluster.create.post({ name: 'c' });
    await root.config.cluster.create({ name: 'd' });
    expect(calls).toEqual([
      ['POST', '/config/cluster/create', { name: 'c' }, undefined],
      ['POST', '/config/cluster', { name: 'd' }, undefined],
    ]);
  });

  it('refuses hostile ids before anything is sent', () => {
    const { root, calls } = recorder();
    for (const bad of ['..', '.', '', null, {}, undefined]) {
      expect(() => root.nodes(bad)).toThrow(/path segment/);
    }
    expect(calls).toEqual([]);
  });

  it('is safe with await, JSON.stringify, String, console.log and symbols', async () => {
    const { root } = recorder();
    const node = root.nodes('pve1');
    expect(node.then).toBeUndefined();
    expect(await node).toBe(node);
    expect(JSON.stringify({ p: node })).toBe('{"p":"/nodes/pve1"}');
    expect(`${node}`).toBe('/nodes/pve1');
    expect(() => inspect(node)).not.toThrow();
    expect(node[Symbol.iterator]).toBeUndefined();
    expect(node[Symbol.asyncIterator]).toBeUndefined();
    expect(() => {
      node.x = 1;
    }).toThrow(TypeError);
  });
});

describe('expandRoute', () => {
  it('fills placeholders from params and leaves the rest', () => {
    expect(
      expandRoute('GET /nodes/{node}/qemu/{vmid}/config', { node: 'pve 1', vmid: 100, current: true }),
    ).toEqual({
      method: 'GET',
      path: '/nodes/pve%201/qemu/100/config',
      rest: { current: true },
    });
  });

  it("expands a route it has parsed before with each call's own values, and leaves the caller's params alone", () => {
    const route = 'POST /nodes/{node}/qemu/{vmid}/status/start';
    const first = { node: 'a', vmid: 1 };
    expect(expandRoute(route, first)).toEqual({
      method: 'POST',
      path: '/nodes/a/qemu/1/status/start',
      rest: {},
    });
    expect(expandRoute(route, { node: 'b', vmid: 2, timeout: 5 })).toEqual({
      method: 'POST',
      path: '/nodes/b/qemu/2/status/start',
      rest: { timeout: 5 },
    });
    expect(first).toEqual({ node: 'a', vmid: 1 });
    expect(() => expandRoute(route, { node: 'c' })).toThrow(/parameter 'vmid' is missing/);
  });

  it('says which placeholder is missing, and refuses bad routes', () => {
    expect(() => expandRoute('GET /nodes/{node}', {})).toThrow(/'node' is missing/);
    try {
      expandRoute('FETCH nodes', {});
      expect.unreachable();
    } catch (error) {
      expect(isInvalidArgumentError(error)).toBe(true);
    }
  });
});
