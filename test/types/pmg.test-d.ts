import { describe, expectTypeOf, test } from 'vitest';
import type { ApiRoot, Upid } from '../../src/typed/api.js';
import type { RequestFn } from '../../src/typed/routes.js';

declare const pmg: ApiRoot<'PMG'> & { request: RequestFn<'PMG'> };

describe('PMG', () => {
  test('right calls compile and are typed', async () => {
    const rules = await pmg.config.ruledb.rules.get();
    expectTypeOf(rules).toBeArray();
    const id = await pmg.config.ruledb.rules.post({ name: 'block', priority: 50 });
    expectTypeOf(id).toEqualTypeOf<number>();
    const up = await pmg.nodes('pmg1').services('postfix').start.post();
    expectTypeOf(up).toEqualTypeOf<Upid>();
    await pmg.request('GET /quarantine/spam', { starttime: 0 });
    // A child segment named like a verb alias is the child (POST /config/cluster/create).
    const created = await pmg.config.cluster.create.post();
    expectTypeOf(created).toEqualTypeOf<Upid>();
  });

  test('wrong calls do not compile', async () => {
    // @ts-expect-error misspelt path segment
    await pmg.config.ruledb.rule.get();
    // @ts-expect-error unknown parameter name
    await pmg.config.ruledb.rules.post({ name: 'x', priority: 1, bogus: 1 });
    // @ts-expect-error missing required parameter priority
    await pmg.config.ruledb.rules.post({ name: 'x' });
    // @ts-expect-error wrong enum value of a route's path parameter
    await pmg.request('POST /nodes/{node}/services/{service}/start', { node: 'pmg1', service: 'nginx' });
  });
});
