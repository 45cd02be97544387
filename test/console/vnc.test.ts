/**
 * VNC through the simulator over real TLS: vncproxy with websocket=1, then the
 * vncwebsocket upgrade, then raw RFB (RFC 6143). Server side after qemu-server
 * PVE/API2/Qemu.pm and pve-container src/PVE/API2/LXC.pm (vncproxy: a one-time
 * `password` from PVE::Ticket::generate_vnc_password when websocket=1, the ticket prefixed
 * with it; vncwebsocket: verify_vnc_ticket strips the prefix) and QEMU's VNC server
 * (RFB 003.008, security type 2, ServerInit with the guest's name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { ByteReader, desResponse, rootClient, simulator, tokenClient } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

/** Version exchange and security type choice, as a viewer does it; returns the challenge. */
async function startHandshake(vnc: NodeJS.ReadWriteStream, rd: ByteReader): Promise<Buffer> {
  expect((await rd.read(12)).toString('latin1')).toBe('RFB 003.008\n');
  vnc.write('RFB 003.008\n');
  // One security type offered: 2, VNC Authentication.
  expect([...(await rd.read(2))]).toEqual([1, 2]);
  vnc.write(Buffer.from([2]));
  return rd.read(16);
}

describe('VNC: vncproxy + vncwebsocket, raw RFB', () => {
  it('RFB 003.008 with VNC Authentication by the one-time password, ServerInit named after the guest, a raw framebuffer update', async () => {
    await using px = rootClient(sim);
    const vnc = await px.consoles.vnc({ node: 'pve1', vmid: 103, type: 'qemu' });
    const rd = new ByteReader(vnc);
    expect(vnc.password).toMatch(/^[!-~]{8}$/);
    expect(vnc.upid).toMatch(/:vncproxy:103:root@pam:$/);
    const challenge = await startHandshake(vnc, rd);
    vnc.write(desResponse(vnc.password!, challenge));
    expect((await rd.read(4)).readUInt32BE(0)).toBe(0);
    vnc.write(Buffer.from([1])); // ClientInit, shared
    const init = await rd.read(24);
    expect([init.readUInt16BE(0), init.readUInt16BE(2)]).toEqual([640, 480]);
    expect((await rd.read(init.readUInt32BE(20))).toString()).toBe('mail-03');
    // FramebufferUpdateRequest, not incremental, 16x8 at 0,0: one raw rectangle.
    vnc.write(Buffer.from([3, 0, 0, 0, 0, 0, 0, 16, 0, 8]));
    const update = await rd.read(16 + 16 * 8 * 4);
    expect(update.readUInt16BE(2)).toBe(1);
    expect([update.readUInt16BE(8), update.readUInt16BE(10), update.readInt32BE(12)]).toEqual([16, 8, 0]);
    vnc.destroy();
  });

  it('a wrong VNC password is refused with the 3.8 failure reason, and the connection ends', async () => {
    await using px = rootClient(sim);
    const vnc = await px.consoles.vnc({ node: 'pve1', vmid: 103, type: 'qemu' });
    const rd = new ByteReader(vnc);
    const challenge = await startHandshake(vnc, rd);
    vnc.write(desResponse('wrong!!!', challenge));
    const result = await rd.read(8);
    expect(result.readUInt32BE(0)).toBe(1);
    expect((await rd.read(result.readUInt32BE(4))).toString()).toBe('Authentication failed');
    await new Promise<void>((resolve) => vnc.once('end', resolve).resume());
  });

  it('a container by VMID, through an API token (vncproxy and vncwebsocket take the token auth id)', async () => {
    const { px } = tokenClient(sim);
    await using _ = px;
    const vnc = await px.consoles.vnc(109);
    const rd = new ByteReader(vnc);
    await startHandshake(vnc, rd);
    vnc.destroy();
  });

  it('a stopped VM: the upgrade succeeds but the connection ends at once (qm vncproxy finds no VNC socket)', async () => {
    await using px = rootClient(sim);
    const status = (await px.request('GET /nodes/{node}/qemu/{vmid}/status/current', {
      node: 'pve1',
      vmid: 106,
    })) as {
      status: string;
    };
    expect(status.status).toBe('stopped');
    const vnc = await px.consoles.vnc({ node: 'pve1', vmid: 106, type: 'qemu' });
    const chunks: Buffer[] = [];
    vnc.on('data', (c: Buffer) => chunks.push(c));
    await new Promise<void>((resolve) => vnc.once('end', resolve));
    expect(Buffer.concat(chunks).length).toBe(0);
  });
});
