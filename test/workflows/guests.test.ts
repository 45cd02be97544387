import { describe, expect, it } from 'vitest';
import { GuestLookupError, InvalidArgumentError } from '../../src/index.js';
import { connect, rejection } from './helpers.js';

describe('guests.find: by id or name across the cluster', () => {
  it('finds a guest by vmid, by a string of digits and by name, with its node looked up', async () => {
    const { wf, engine } = await connect();
    const truth = engine.cluster.guests.get(104)!;
    const byId = await wf.guests.find(104);
    expect(byId).toMatchObject({ vmid: 104, node: truth.node, type: truth.type });
    expect((await wf.guests.find('104')).vmid).toBe(104);
    const byName = await wf.guests.find(byId.name);
    expect(byName.vmid).toBe(104);
    // The handle's calls go to the node the cluster named.
    expect(Object.keys(await byName.config())).toContain(truth.type === 'qemu' ? 'name' : 'hostname');
  });

  it('refuses an ambiguous name and names the vmids that carry it (PVE keeps names unique nowhere)', async () => {
    const { wf, px } = await connect();
    const source = await wf.guests.find(100);
    await px.nodes(source.node).qemu(100).clone.post({ newid: 900, name: source.name }, { wait: true });
    const error = await rejection(wf.guests.find(source.name));
    expect(error).toBeInstanceOf(GuestLookupError);
    expect(error).toMatchObject({ code: 'PROXMOX_GUEST_LOOKUP', reason: 'ambiguous', matches: [100, 900] });
    expect((error as Error).message).toContain('100, 900');
  });

  it('says not-found for an unknown name or vmid, and refuses a non-id', async () => {
    const { wf } = await connect();
    expect(await rejection(wf.guests.find('no-such-guest'))).toMatchObject({ reason: 'not-found' });
    expect(await rejection(wf.guests.find(9999))).toMatchObject({ reason: 'not-found', matches: [] });
    expect(await rejection(wf.guests.find(-3))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(wf.guests.find(''))).toBeInstanceOf(InvalidArgumentError);
  });

  it('lists guests sorted by vmid, filtered by type', async () => {
    const { wf, engine } = await connect();
    const all = await wf.guests.list();
    expect(all.map((g) => g.vmid)).toEqual([...engine.cluster.guests.keys()].sort((a, b) => a - b));
    const cts = await wf.guests.list({ type: 'lxc' });
    expect(cts.length).toBeGreaterThan(0);
    expect(cts.every((g) => g.type === 'lxc')).toBe(true);
  });

  it('honours an aborted signal', async () => {
    const { wf } = await connect();
    const error = await rejection(wf.guests.find(100, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ code: 'PROXMOX_ABORTED' });
  });
});
