import { describe, expectTypeOf, test } from 'vitest';
import type { ApiRoot, Upid } from '../../src/typed/api.js';
import type { RequestFn } from '../../src/typed/routes.js';

declare const pbs: ApiRoot<'PBS'> & { request: RequestFn<'PBS'> };

describe('PBS', () => {
  test('right calls compile and are typed', async () => {
    const gc = await pbs.admin.datastore('store1').gc.post();
    expectTypeOf(gc).toEqualTypeOf<Upid>();
    const stores = await pbs.config.datastore.get();
    expectTypeOf(stores[0]!.name).toEqualTypeOf<string>();
    await pbs.config.datastore.post({ name: 'store2', path: '/mnt/store2', 'gc-on-unmount': true });
    const snaps = await pbs.request('GET /admin/datastore/{store}/snapshots', { store: 'store1' });
    expectTypeOf(snaps).toBeArray();
    await pbs.nodes('localhost').tasks.get({ running: true });
  });

  test('PBS sends real booleans in results', async () => {
    const tasks = await pbs.nodes('localhost').tasks.get();
    type Item = (typeof tasks)[number];
    expectTypeOf<Item>().not.toBeAny();
    const users = await pbs.access.users.get();
    expectTypeOf(users[0]!.enable).toEqualTypeOf<boolean | undefined>();
  });

  test('wrong calls do not compile', async () => {
    // @ts-expect-error misspelt path segment
    await pbs.admin.datastores('store1').gc.post();
    // @ts-expect-error unknown parameter name
    await pbs.config.datastore.post({ name: 'a', path: '/a', bogus: 1 });
    // @ts-expect-error wrong enum value
    await pbs.config.datastore.post({ name: 'a', path: '/a', 'notification-mode': 'smtp' });
    // @ts-expect-error missing required parameter path
    await pbs.config.datastore.post({ name: 'a' });
    // @ts-expect-error PVE path on a PBS client
    await pbs.cluster.resources.get();
  });
});
