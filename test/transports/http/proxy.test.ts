/** HTTPS through an HTTP CONNECT proxy, with TLS checks still against the Proxmox host. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, ProxmoxSDK } from '../../../src/index.js';
import { type RunningSimulator, startSimulator } from '../../../src/simulator/index.js';
import { proxyFor } from '../../../src/transports/http/proxy-tunnel.js';
import { type ConnectProxy, startConnectProxy } from '../../integration/helpers.js';

let sim: RunningSimulator;
let proxy: ConnectProxy;
let proxyUrl: string;
let tunnels: string[];

beforeAll(async () => {
  sim = await startSimulator();
  proxy = await startConnectProxy();
  proxyUrl = proxy.url;
  tunnels = proxy.tunnels;
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

describe('proxy', () => {
  it('tunnels through the proxy and still pins the server certificate', async () => {
    await using px = await ProxmoxSDK.connect({
      host: `${sim.host}:${sim.port}`,
      user: 'root@pam',
      password: 'proxmox',
      fingerprint: sim.fingerprint,
      proxy: proxyUrl,
    });
    expect(await px.version.get()).toHaveProperty('version');
    expect(tunnels).toContain(`127.0.0.1:${sim.port}`);
  });

  it('refuses a wrong fingerprint behind the proxy too', async () => {
    const wrong = `${sim.fingerprint.startsWith('00') ? '11' : '00'}${sim.fingerprint.slice(2)}`;
    await expect(
      ProxmoxSDK.connect({
        host: `${sim.host}:${sim.port}`,
        user: 'root@pam',
        password: 'proxmox',
        fingerprint: wrong,
        proxy: proxyUrl,
        retries: 0,
      }),
    ).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe('proxyFor', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost,.internal,10.0.0.5:8006' };
  it.each([
    ['pve.example.com', 8006, undefined, 'http://proxy:3128'],
    ['localhost', 8006, undefined, undefined],
    ['pve.internal', 8006, undefined, undefined],
    ['internal', 8006, undefined, undefined],
    ['10.0.0.5', 8006, undefined, undefined],
    ['10.0.0.5', 8007, undefined, 'http://proxy:3128'],
    ['pve.example.com', 8006, false, undefined],
    ['pve.example.com', 8006, 'http://other:1', 'http://other:1'],
  ] as const)('%s:%d (explicit %s) -> %s', (host, port, explicit, want) => {
    expect(proxyFor(host, port, explicit, env)).toBe(want);
  });

  it('uses no proxy when the environment names none', () => {
    expect(proxyFor('pve', 8006, undefined, {})).toBeUndefined();
  });
});
