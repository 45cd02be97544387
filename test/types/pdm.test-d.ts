import { describe, expectTypeOf, test } from 'vitest';
import type { ApiRoot, RemoteUpid } from '../../src/typed/api.js';
import type { RequestFn } from '../../src/typed/routes.js';

declare const pdm: ApiRoot<'PDM'> & { request: RequestFn<'PDM'> };

describe('PDM', () => {
  test('right calls compile and are typed', async () => {
    const vms = await pdm.pve.remotes('r1').qemu.get();
    expectTypeOf(vms).toBeArray();
    const up = await pdm.pve.remotes('r1').qemu(100).start.post();
    expectTypeOf(up).toEqualTypeOf<RemoteUpid>();
    const res = await pdm.request('GET /resources/list');
    expectTypeOf(res).toBeArray();
    // Handlers without a declared return schema are unknown, not `null`.
    const remotes = await pdm.remotes.get();
    expectTypeOf(remotes).toBeUnknown();
  });

  test('wrong calls do not compile', async () => {
    // @ts-expect-error misspelt path segment
    await pdm.pve.remote('r1').qemu.get();
    // @ts-expect-error unknown parameter name
    await pdm.pve.remotes('r1').qemu.get({ bogus: 1 });
    // @ts-expect-error missing path parameter in a route call
    await pdm.request('GET /pve/remotes/{remote}/qemu', {});
  });
});
