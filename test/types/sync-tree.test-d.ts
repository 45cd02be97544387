// The tree's shape (codegen/emit-tree.ts): the async client walks the generated interfaces
// themselves (no type parameter, nothing instantiated per node); the sync facade maps the
// same tree once (Synced in src/typed/api.ts) and must stay exactly as strict.
import { describe, expectTypeOf, test } from 'vitest';
import type { Nodes, NodesNodeQemuVmidStatusCurrent } from '../../src/generated/pve/tree.js';
import type {
  NodesGetItem,
  NodesNodeQemuVmidStatusCurrentGetResult,
  VersionGetResult,
} from '../../src/generated/pve/types.js';
import type { TaskStatus } from '../../src/options/call-options.js';
import type { ApiRoot, Envelope, SyncCalls, Upid } from '../../src/typed/api.js';

declare const px: ApiRoot<'PVE'>;
declare const sx: ApiRoot<'PVE', SyncCalls>;

describe('the async tree is the generated interfaces', () => {
  test('a node is its interface, by name', () => {
    expectTypeOf(px.nodes).toEqualTypeOf<Nodes>();
    expectTypeOf(px.nodes('pve1').qemu(100).status.current).toEqualTypeOf<NodesNodeQemuVmidStatusCurrent>();
  });

  test('aliases are the same verb', () => {
    expectTypeOf(px.nodes('pve1').qemu.create).toEqualTypeOf(px.nodes('pve1').qemu.post);
    expectTypeOf(px.nodes('pve1').qemu(100).config.set).toEqualTypeOf(px.nodes('pve1').qemu(100).config.put);
  });
});

describe('the sync facade: same paths and params, values instead of promises', () => {
  test('verbs answer values', () => {
    expectTypeOf(sx.version.get()).toEqualTypeOf<VersionGetResult>();
    expectTypeOf(sx.nodes.get()).toEqualTypeOf<NodesGetItem[]>();
    expectTypeOf(
      sx.nodes('pve1').qemu(100).status.current.get(),
    ).toEqualTypeOf<NodesNodeQemuVmidStatusCurrentGetResult>();
    expectTypeOf(sx.nodes('pve1').qemu.post({ vmid: 100 })).toEqualTypeOf<Upid>();
    expectTypeOf(sx.nodes('pve1').qemu.create({ vmid: 100 })).toEqualTypeOf<Upid>();
    expectTypeOf(sx.nodes.get()).not.toMatchTypeOf<Promise<unknown>>();
  });

  test('wait and envelope pick the outcome', () => {
    expectTypeOf(
      sx.nodes('pve1').qemu(100).status.start.post({}, { wait: true }),
    ).toEqualTypeOf<TaskStatus>();
    expectTypeOf(sx.nodes.get(undefined, { envelope: true })).toEqualTypeOf<Envelope<NodesGetItem[]>>();
  });

  test('wrong calls do not compile', () => {
    // @ts-expect-error misspelt path segment
    sx.nodes('pve1').qemus.get();
    // @ts-expect-error params are required when something is (a Verb is no VerbOpt)
    sx.nodes('pve1').qemu.post();
    // @ts-expect-error missing required parameter vmid
    sx.nodes('pve1').qemu.post({ name: 'x' });
    // @ts-expect-error unknown parameter name
    sx.nodes('pve1').qemu.post({ vmid: 100, bogus: 1 });
    // @ts-expect-error no such verb on this path
    sx.nodes('pve1').qemu(100).status.start.get();
    // @ts-expect-error a path parameter takes a string or a number
    sx.nodes(true);
  });
});
