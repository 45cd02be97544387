// px.request finds a route's types by walking the fluent tree along its path (src/typed/routes.ts):
// every generated route name must lead to a verb, and the lookup must stay as strict as the map
// it replaced.
import { describe, expectTypeOf, test } from 'vitest';
import type { NodesNodeQemuVmidConfigGetResult } from '../../src/generated/pve/types.js';
import '../../src/typed/products/pbs.js';
import '../../src/typed/products/pdm.js';
import '../../src/typed/products/pmg.js';
import '../../src/typed/products/pve.js';
import type { ServiceName } from '../../src/core/services.js';
import type { ApiRoot, Upid } from '../../src/typed/api.js';
import type { RequestFn, RouteKey, RouteMap, RouteParams, RouteReturns } from '../../src/typed/routes.js';

/** Route names whose walk finds no verb (none may). */
type Unresolved<S extends ServiceName> = {
  [K in keyof RouteMap<S>]: [RouteMap<S>[K]] extends [never] ? K : never;
}[keyof RouteMap<S>];

declare const px: ApiRoot<'PVE'> & { request: RequestFn<'PVE'> };

describe('route lookup through the tree', () => {
  test('every route of every product resolves', () => {
    expectTypeOf<Unresolved<'PVE'>>().toEqualTypeOf<never>();
    expectTypeOf<Unresolved<'PBS'>>().toEqualTypeOf<never>();
    expectTypeOf<Unresolved<'PMG'>>().toEqualTypeOf<never>();
    expectTypeOf<Unresolved<'PDM'>>().toEqualTypeOf<never>();
    expectTypeOf<RouteKey<'PVE'>>().not.toBeNever();
  });

  test('params: path parameters as the fluent call takes them, plus the verb params', () => {
    type P = RouteParams<'PVE', 'PUT /nodes/{node}/qemu/{vmid}/config'>;
    expectTypeOf<P['node']>().toEqualTypeOf<string | number>();
    expectTypeOf<P['vmid']>().toEqualTypeOf<string | number>();
    expectTypeOf<{ node: 'pve1'; vmid: 100; cores: 2 }>().toMatchTypeOf<P>();
    expectTypeOf<
      RouteReturns<'PVE', 'GET /nodes/{node}/qemu/{vmid}/config'>
    >().toEqualTypeOf<NodesNodeQemuVmidConfigGetResult>();
    expectTypeOf<RouteReturns<'PVE', 'POST /nodes/{node}/qemu/{vmid}/status/start'>>().toEqualTypeOf<Upid>();
    // The root's own route (PBS `GET /`) walks no segment at all.
    expectTypeOf<RouteMap<'PBS'>['GET /']>().not.toBeNever();
  });

  test('as strict as before: enum path parameters, required params, unknown names', async () => {
    await px.request('GET /cluster/ceph/flags/{flag}', { flag: 'noout' });
    // @ts-expect-error flag takes its enum's values only
    await px.request('GET /cluster/ceph/flags/{flag}', { flag: 'nooot' });
    // @ts-expect-error and so does the fluent call
    await px.cluster.ceph.flags('nooot').get();
    // @ts-expect-error params are required when a path has parameters
    await px.request('GET /nodes/{node}/qemu');
    // @ts-expect-error a verb param is checked as in the fluent call
    await px.request('PUT /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, cores: 'two' });
    // @ts-expect-error a route without params takes no others
    await px.request('GET /version', { bogus: 1 });
    await px.request('GET /nodes');
  });
});
