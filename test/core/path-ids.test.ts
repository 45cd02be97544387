/**
 * Ids containing `/` (issue 15.9). pveproxy unescapes the whole path before it splits it
 * (pve-http-server PVE/APIServer/AnyEvent.pm authenticate_and_handle_request, uri_unescape),
 * so the SDK refuses `/` in an id, except where the router joins the rest of the path into
 * one id (pve-common RESTHandler.pm map_path_to_methods, fragmentDelimiter ''): PVE storage
 * content {volume} (pve-storage PVE/API2/Storage/Status.pm), IP set entries {cidr}
 * (pve-firewall PVE/API2/Firewall/IPSet.pm) and PMG mynetworks {cidr} (pmg-api
 * PMG/API2/Config.pm). The all-backend proof is test/integration/backends.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restOfPathStart, wirePath } from '../../src/core/path-ids.js';
import { isInvalidArgumentError, type ProxmoxClient, ProxmoxSDK } from '../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';

const refused = expect.objectContaining({
  code: 'PROXMOX_INVALID_ARGUMENT',
  message: expect.stringMatching(/'/),
});

describe('wirePath', () => {
  it.each([
    ['PVE', '/nodes/pve1/qemu/100/config', '/nodes/pve1/qemu/100/config'],
    [
      'PVE',
      '/nodes/pve1/storage/local/content/local%3Aiso%2Fx.iso',
      '/nodes/pve1/storage/local/content/local%3Aiso/x.iso',
    ],
    [
      'PVE',
      '/nodes/pve1/storage/local/content/local%3A100/vm-100-disk-0.qcow2',
      '/nodes/pve1/storage/local/content/local%3A100/vm-100-disk-0.qcow2',
    ],
    ['PVE', '/nodes/pve1/storage/local/content', '/nodes/pve1/storage/local/content'],
    ['PMG', '/config/mynetworks/10.0.0.0%2F8', '/config/mynetworks/10.0.0.0/8'],
    ['PVE', '/cluster/firewall/ipset/lan/10.0.0.0%2F8', '/cluster/firewall/ipset/lan/10.0.0.0/8'],
    [
      'PVE',
      '/nodes/pve1/lxc/200/firewall/ipset/lan/fd00%3A%3A%2F64',
      '/nodes/pve1/lxc/200/firewall/ipset/lan/fd00%3A%3A/64',
    ],
  ] as const)('%s %s is sent as %s', (service, path, wire) => {
    expect(wirePath(service, 'GET', path)).toBe(wire);
  });

  it.each([
    ['PVE', '/nodes/pve1%2Fqemu%2F100/status'],
    ['PVE', '/access/users/a%2fb'],
    // Only PVE mounts content with fragmentDelimiter ''; only PMG has mynetworks.
    ['PBS', '/nodes/localhost/storage/local/content/a%2Fb'],
    ['PVE', '/config/mynetworks/10.0.0.0%2F8'],
  ] as const)('%s %s is refused before sending', (service, path) => {
    expect(() => wirePath(service, 'GET', path)).toThrow(
      expect.objectContaining({
        code: 'PROXMOX_INVALID_ARGUMENT',
        message: expect.stringContaining("contains '/'"),
      }),
    );
  });

  it('refuses a rest-of-path id whose empty or dot parts the server would drop', () => {
    for (const volume of ['local%3Aiso%2F%2Fx.iso', 'local%3Aiso%2F', 'local%3Aiso%2F..%2Fx']) {
      expect(() => wirePath('PVE', 'GET', `/nodes/n/storage/s/content/${volume}`)).toThrow(refused);
    }
  });

  it('finds where the rest of the path starts', () => {
    expect(restOfPathStart('PVE', ['nodes', 'n', 'storage', 's', 'content', 'a', 'b'])).toBe(5);
    expect(restOfPathStart('PVE', ['nodes', 'n', 'storage', 's', 'content'])).toBe(-1);
    expect(restOfPathStart('PVE', ['nodes', 'n', 'qemu', 's', 'content', 'a'])).toBe(-1);
  });
});

describe('over HTTPS against the simulator', () => {
  let pve: RunningSimulator;
  let pmg: RunningSimulator;
  let px: ProxmoxClient<'PVE'>;
  let mail: ProxmoxClient<'PMG'>;
  beforeAll(async () => {
    [pve, pmg] = await Promise.all([startSimulator({ service: 'PVE' }), startSimulator({ service: 'PMG' })]);
    const login = { user: 'root@pam', password: 'proxmox' };
    px = new ProxmoxSDK({ host: `${pve.host}:${pve.port}`, fingerprint: pve.fingerprint, ...login });
    mail = new ProxmoxSDK({
      service: 'PMG',
      host: `${pmg.host}:${pmg.port}`,
      fingerprint: pmg.fingerprint,
      ...login,
    });
  });
  afterAll(async () => {
    await Promise.all([px?.close(), mail?.close()]);
    await Promise.all([pve?.close(), pmg?.close()]);
  });

  it('a node id with / is refused with a typed error and nothing is sent', async () => {
    const before = pve.engine.stats.requests;
    const error = await (px as any)
      .nodes('pve1/qemu')
      .get()
      .catch((e: unknown) => e);
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(pve.engine.stats.requests).toBe(before);
  });

  it('a volume id keeps its / (storage content {volume}, rest of the path)', async () => {
    const list = (await px.nodes('pve1').storage('local').content.get()) as Array<{ volid: string }>;
    const volid = list.find((v) => v.volid.includes('/'))!.volid;
    const info = (await px.nodes('pve1').storage('local').content(volid).get()) as { path: string };
    expect(info.path.endsWith(volid.slice(volid.indexOf(':') + 1))).toBe(true);
  });

  it('PMG takes a CIDR as the rest of the path (mynetworks {cidr})', async () => {
    await mail.config.mynetworks.post({ cidr: '192.0.2.0/24', comment: 'doc' });
    expect(await mail.config.mynetworks('192.0.2.0/24').get()).toMatchObject({ cidr: '192.0.2.0/24' });
    await mail.config.mynetworks('192.0.2.0/24').delete();
    const left = (await mail.config.mynetworks.get()) as Array<{ cidr: string }>;
    expect(left.map((n) => n.cidr)).not.toContain('192.0.2.0/24');
  });

  it('RESTHandler.pm map_path_to_methods: a leaf without fragmentDelimiter takes no extra segments', async () => {
    // An id that reached the server with `/` in it would land here: no method, not another id.
    const error = await px
      .request('GET /access/users/{userid}/extra' as never, { userid: 'root@pam' } as never)
      .catch((e: unknown) => e);
    expect((error as { statusCode?: number }).statusCode).toBe(501);
  });
});
