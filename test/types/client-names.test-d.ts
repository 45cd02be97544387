// Issue 19.5: every natural way of naming the client type is the precise per-product client,
// so a wrong path is a compile error whichever name the user's code holds the client under.
import { describe, expectTypeOf, test } from 'vitest';
import {
  type PbsClient,
  type PdmClient,
  type PmgClient,
  type ProxmoxClient,
  type ProxmoxOptions,
  ProxmoxSDK,
  type PveClient,
  type ServiceName,
  type SyncClient,
} from '../../src/index.js';

describe('the client type, however it is named, is precise', () => {
  test('Awaited<ReturnType<typeof ProxmoxSDK.connect>> is the PVE client', () => {
    type Client = Awaited<ReturnType<typeof ProxmoxSDK.connect>>;
    expectTypeOf<Client>().toEqualTypeOf<PveClient>();
    const px = {} as Client;
    void px.nodes('pve1').qemu(100).status.current.get();
    // @ts-expect-error: no such path
    void px.nodes('pve1').qemu(100).status.nonsense.get();
  });

  test('ReturnType of fromEnv, fromFile, fromProfile and InstanceType of the class are the PVE client', () => {
    expectTypeOf<ReturnType<typeof ProxmoxSDK.fromEnv>>().toEqualTypeOf<PveClient>();
    expectTypeOf<Awaited<ReturnType<typeof ProxmoxSDK.fromFile>>>().toEqualTypeOf<PveClient>();
    expectTypeOf<Awaited<ReturnType<typeof ProxmoxSDK.fromProfile>>>().toEqualTypeOf<PveClient>();
    expectTypeOf<InstanceType<typeof ProxmoxSDK>>().toEqualTypeOf<PveClient>();
    const px = {} as InstanceType<typeof ProxmoxSDK>;
    // @ts-expect-error: no such path
    void px.clusterr.resources.get();
  });

  test('ReturnType of ProxmoxSDK.sync is the blocking PVE client', () => {
    type Client = ReturnType<typeof ProxmoxSDK.sync>;
    expectTypeOf<Client>().toEqualTypeOf<SyncClient<'PVE'>>();
    const px = {} as Client;
    expectTypeOf(px.version.get().version).toEqualTypeOf<string>();
    // @ts-expect-error: no such path
    px.version.nonsense.get();
  });

  test('the named types: PveClient, PbsClient, PmgClient, PdmClient', () => {
    const pve = {} as PveClient;
    const pbs = {} as PbsClient;
    const pmg = {} as PmgClient;
    const pdm = {} as PdmClient;
    expectTypeOf(pve.service).toEqualTypeOf<'PVE'>();
    expectTypeOf(pbs.service).toEqualTypeOf<'PBS'>();
    expectTypeOf(pmg.service).toEqualTypeOf<'PMG'>();
    expectTypeOf(pdm.service).toEqualTypeOf<'PDM'>();
    void pbs.admin.datastore.get();
    void pmg.quarantine.spam.get();
    void pdm.remotes.get();
    // @ts-expect-error: /admin/datastore is PBS, not PVE
    void pve.admin.datastore.get();
    // @ts-expect-error: /cluster/resources is PVE, not PBS
    void pbs.cluster.resources.get();
    // @ts-expect-error: no such path on PMG
    void pmg.nodes('pmg').qemu.get();
    // @ts-expect-error: no such path on PDM
    void pdm.remotes.nonsense.get();
  });

  test('ProxmoxClient and ProxmoxSDK as types take the product in either case, PVE by default', () => {
    expectTypeOf<ProxmoxClient>().toEqualTypeOf<PveClient>();
    expectTypeOf<ProxmoxClient<'pbs'>>().toEqualTypeOf<PbsClient>();
    expectTypeOf<ProxmoxClient<'PMG'>>().toEqualTypeOf<PmgClient>();
    expectTypeOf<ProxmoxSDK>().toEqualTypeOf<PveClient>();
    expectTypeOf<ProxmoxSDK<'pdm'>>().toEqualTypeOf<PdmClient>();
    const px = {} as ProxmoxSDK;
    // @ts-expect-error: no such path
    void px.nodes('pve1').nonsense.get();
  });

  test('calls: the service option picks the client; a service known only at run time gives the loose one', async () => {
    expectTypeOf(await ProxmoxSDK.connect({ host: 'h' })).toEqualTypeOf<PveClient>();
    expectTypeOf(await ProxmoxSDK.connect({ host: 'h', service: 'pbs' })).toEqualTypeOf<PbsClient>();
    expectTypeOf(new ProxmoxSDK({ service: 'PMG' })).toEqualTypeOf<PmgClient>();
    expectTypeOf(ProxmoxSDK.fromEnv({ service: 'PDM' })).toEqualTypeOf<PdmClient>();
    expectTypeOf(await ProxmoxSDK.fromFile<'PBS'>('creds.yaml')).toEqualTypeOf<PbsClient>();
    expectTypeOf(ProxmoxSDK.sync({ service: 'pbs' })).toEqualTypeOf<SyncClient<'PBS'>>();
    // Options built elsewhere, typed ProxmoxOptions: the product is a run-time fact.
    const options = {} as ProxmoxOptions;
    const loose = await ProxmoxSDK.connect(options);
    expectTypeOf(loose).toEqualTypeOf<ProxmoxClient<ServiceName>>();
    expectTypeOf(loose.service).toEqualTypeOf<ServiceName>();
    void loose.any.path.you.like.get();
  });
});
