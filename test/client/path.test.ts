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
