import { describe, expectTypeOf, test } from 'vitest';
import type {
  ClusterBackupIdPutParams,
  NodesGetItem,
  NodesNodeQemuNetFormat,
  NodesNodeQemuPostParams,
  NodesNodeQemuVmidConfigPutParams,
} from '../../src/generated/pve/types.js';
import type { TaskStatus } from '../../src/options/call-options.js';
import type { ApiRoot, Envelope, Upid } from '../../src/typed/api.js';
import { propertyString } from '../../src/typed/property-strings.js';
import {
  type RawRoute,
  type RequestFn,
  type RouteKey,
  type RouteParams,
  rawRoute,
} from '../../src/typed/routes.js';

declare const px: ApiRoot<'PVE'> & { request: RequestFn<'PVE'> };

describe('PVE fluent API', () => {
  test('lists nodes, typed', async () => {
    const nodes = await px.nodes.get();
    expectTypeOf(nodes).toEqualTypeOf<NodesGetItem[]>();
    expectTypeOf(nodes[0]!.node).toEqualTypeOf<string>();
    expectTypeOf(nodes[0]!.status).toEqualTypeOf<'unknown' | 'online' | 'offline'>();
  });

  test('creates a VM and gets a branded task id', async () => {
    const upid = await px.nodes('pve1').qemu.post({ vmid: 100, name: 'ci-vm', memory: 2048 });
    expectTypeOf(upid).toEqualTypeOf<Upid>();
    expectTypeOf(upid).toMatchTypeOf<string>();
    // @ts-expect-error a plain string is no Upid
    const forged: Upid = 'UPID:pve1:...';
    void forged;
  });

  test('path parameters are callable, hyphenated segments indexable', async () => {
    await px.nodes('pve1').qemu(100).status.start.post({ timeout: 30 });
    await px.nodes('pve1').qemu('100').status.start.post();
    await px.nodes('pve1').qemu(100).agent['get-fsinfo'].get();
    await px.nodes('pve1').lxc(101).status.current.get();
  });

  test('numbered parameters take any index via template-literal keys', () => {
    expectTypeOf<{
      vmid: 1;
      net0: 'virtio,bridge=vmbr0';
      scsi30: 'local:8';
      ipconfig31: 'ip=dhcp';
    }>().toMatchTypeOf<NodesNodeQemuPostParams>();
  });

  test('booleans: params take boolean | 0 | 1, results say 0 | 1', async () => {
    await px.nodes('pve1').qemu.post({ vmid: 100, start: true, onboot: 1, acpi: 0 });
    const vms = await px.nodes('pve1').qemu.get({ full: true });
    expectTypeOf(vms[0]!.template).toEqualTypeOf<0 | 1 | undefined>();
  });

  test('wait and envelope change the outcome', async () => {
    const done = await px.nodes('pve1').qemu(100).status.start.post({}, { wait: true });
    expectTypeOf(done).toEqualTypeOf<TaskStatus>();
    const env = await px.nodes.get(undefined, { envelope: true });
    expectTypeOf(env).toEqualTypeOf<Envelope<NodesGetItem[]>>();
  });

  test('wrong calls do not compile', async () => {
    // @ts-expect-error misspelt path segment
    await px.nodes('pve1').qemus.get();
    // @ts-expect-error unknown parameter name
    await px.nodes('pve1').qemu.post({ vmid: 100, bogus: 1 });
    // @ts-expect-error wrong enum value
    await px.nodes('pve1').qemu.post({ vmid: 100, ostype: 'dos' });
    // @ts-expect-error missing required parameter vmid
    await px.nodes('pve1').qemu.post({ name: 'x' });
    // @ts-expect-error params are required when something is
    await px.nodes('pve1').qemu.post();
    // @ts-expect-error boolean parameters take 0/1, not 2
    await px.nodes('pve1').qemu.post({ vmid: 100, start: 2 });
    // @ts-expect-error path parameters are not repeated in params
    await px.nodes('pve1').qemu(100).config.get({ node: 'pve1' });
    // @ts-expect-error no such verb on this path
    await px.nodes('pve1').qemu(100).status.start.get();
  });
});

describe('PVE request by route', () => {
  test('typed from the same route map', async () => {
    const res = await px.request('GET /cluster/resources', { type: 'vm' });
    expectTypeOf(res[0]!.type).toMatchTypeOf<string>();
    const cfg = await px.request('GET /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100 });
    expectTypeOf(cfg).not.toBeAny();
    const up = await px.request('POST /nodes/{node}/qemu/{vmid}/status/start', { node: 'pve1', vmid: 100 });
    expectTypeOf(up).toEqualTypeOf<Upid>();
    await px.request('GET /version');
    expectTypeOf<'GET /nodes'>().toMatchTypeOf<RouteKey<'PVE'>>();
    expectTypeOf<RouteParams<'PVE', 'GET /nodes/{node}/qemu'>>().toHaveProperty('node');
  });

  test('unknown routes need the explicit escape hatch', async () => {
    // @ts-expect-error unknown route
    await px.request('GET /nodes/{node}/qemuu');
    // @ts-expect-error missing path parameter
    await px.request('GET /nodes/{node}/qemu/{vmid}/config', { node: 'pve1' });
    // @ts-expect-error wrong enum value
    await px.request('GET /cluster/resources', { type: 'vms' });
    const a = await px.request<{ ok: 1 }>(rawRoute('GET /x/y'));
    expectTypeOf(a).toEqualTypeOf<{ ok: 1 }>();
    const b = await px.request<number>('GET /x' as RawRoute, { any: 'thing' });
    expectTypeOf(b).toEqualTypeOf<number>();
  });
});

describe('PVE property strings', () => {
  test('typed by route and parameter', async () => {
    const net = await propertyString('PVE', 'POST /nodes/{node}/qemu', 'net');
    const text = net.format({ model: 'virtio', bridge: 'vmbr0', firewall: true });
    expectTypeOf(text).toEqualTypeOf<string>();
    expectTypeOf(net.parse(text).bridge).toEqualTypeOf<string | undefined>();
    // @ts-expect-error unknown NIC model
    net.format({ model: 'virtio-net' });
    // @ts-expect-error unknown key
    net.format({ model: 'virtio', brdige: 'vmbr0' });
    // @ts-expect-error not a property-string parameter of this route
    await propertyString('PVE', 'POST /nodes/{node}/qemu', 'name');
    expectTypeOf<NodesNodeQemuNetFormat['model']>().toMatchTypeOf<string>();
  });
});

describe('PVE task outcomes', () => {
  test('wait on a method that may answer without a task keeps the null', async () => {
    const r = await px.nodes('pve1').qemu(100).config.post({ cores: 2 }, { wait: true });
    expectTypeOf(r).toEqualTypeOf<TaskStatus | null>();
    const plain = await px.nodes('pve1').qemu(100).config.post({ cores: 2 });
    expectTypeOf(plain).toEqualTypeOf<Upid | null>();
    const notTask = await px.nodes.get(undefined, { wait: true });
    expectTypeOf(notTask).toEqualTypeOf<NodesGetItem[]>();
  });
});

describe('PVE optional parameters', () => {
  test('take undefined (left out by the SDK), also under exactOptionalPropertyTypes', async () => {
    const name: string | undefined = undefined;
    await px.nodes('pve1').qemu.post({ vmid: 100, name, net1: undefined });
    // @ts-expect-error required parameters do not
    await px.nodes('pve1').qemu.post({ vmid: undefined });
  });
});

describe('PVE params that share most keys with another method (codegen/interface-writer.ts)', () => {
  test('a guest config PUT takes what the create takes, less its create-only keys, numbered keys too', async () => {
    await px.nodes('pve1').qemu(100).config.put({ cores: 4, net3: 'virtio,bridge=vmbr0', delete: 'net1' });
    await px.nodes('pve1').qemu(100).config.put({ name: undefined, scsi30: 'local:8' });
    // @ts-expect-error vmid is the path's, and create-only
    await px.nodes('pve1').qemu(100).config.put({ vmid: 100 });
    // @ts-expect-error archive is create-only
    await px.nodes('pve1').qemu(100).config.post({ archive: 'x' });
    // @ts-expect-error unknown key
    await px.nodes('pve1').qemu(100).config.put({ cpus: 4 });
    // @ts-expect-error still the enum of the create
    await px.nodes('pve1').qemu(100).config.put({ ostype: 'dos' });
    expectTypeOf<NodesNodeQemuVmidConfigPutParams['cores']>().toEqualTypeOf<number | undefined>();
  });
});

describe('PVE params declared as Omit<earlier> (codegen/interface-writer.ts)', () => {
  test('a backup job PUT: the POST less its create-only keys, comments and enums kept', async () => {
    await px.cluster.backup('job1').put({ schedule: 'daily', mode: 'snapshot' });
    // @ts-expect-error id is the path's
    await px.cluster.backup('job1').put({ id: 'job2' });
    // @ts-expect-error still the enum of the POST
    await px.cluster.backup('job1').put({ mode: 'fast' });
    expectTypeOf<ClusterBackupIdPutParams['mode']>().toEqualTypeOf<
      'snapshot' | 'suspend' | 'stop' | undefined
    >();
  });
});
