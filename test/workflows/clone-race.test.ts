/**
 * Clone to the next free vmid while another client takes that id between `GET /cluster/nextid`
 * and the clone. nextid reserves nothing (pve-manager PVE/API2/Cluster.pm nextid: the first
 * gap in the vmlist), so the loser sees one of three PVE errors, followed by the simulator in
 * src/simulator/resources/guests/clone-target.ts:
 * - qemu-server PVE/API2/Qemu.pm clone_vm `$load_and_check`: same node, at once;
 * - pve-common PVE/File.pm file_set_contents + pve-cluster pmxcfs memdb.c memdb_rename: another
 *   node, in the qmclone task;
 * - pve-container PVE/API2/LXC.pm clone_vm -> PVE::Cluster::check_vmid_unused: at once.
 */
import { describe, expect, it } from 'vitest';
import { isResourceException, isTaskFailedError, ProxmoxSDK, workflows } from '../../src/index.js';
import type { PveClient } from '../../src/workflows/client.js';
import { connect, rejection } from './helpers.js';

type Sim = Awaited<ReturnType<typeof connect>>;

/**
 * The test's own client, whose every `GET /cluster/nextid` answer (up to `times`) a rival
 * client takes at once with a new guest of `rivalType` on `rivalNode`.
 */
async function racedClient(sim: Sim, rivalType: 'qemu' | 'lxc', rivalNode: string, times = 1) {
  const rival = await ProxmoxSDK.connect({
    backend: 'mock',
    engine: sim.engine,
    user: 'root@pam',
    password: 'proxmox',
  });
  const taken: number[] = [];
  let nextidCalls = 0;
  const request = (async (route: string, params: never, options: never) => {
    const answer = await sim.px.request(route as never, params, options);
    if (String(route) === 'GET /cluster/nextid') {
      nextidCalls++;
      if (taken.length < times) {
        const vmid = Number(answer);
        // A container's rootfs defaults to `local`, which holds no containers (pve-container LXC.pm create_vm).
        const extra =
          rivalType === 'lxc'
            ? { ostemplate: 'local:vztmpl/debian-12-standard.tar.zst', rootfs: 'local-lvm:1' }
            : {};
        await rival.request(
          `POST /nodes/{node}/${rivalType}` as never,
          {
            node: rivalNode,
            vmid,
            ...extra,
          } as never,
        );
        taken.push(vmid);
      }
    }
    return answer;
  }) as unknown as PveClient['request'];
  const client: PveClient = { request, tasks: sim.px.tasks, files: sim.px.files };
  return { wf: workflows(client), taken, nextidCalls: () => nextidCalls };
}

function guestOf(sim: Sim, type: 'qemu' | 'lxc', node: string) {
  return [...sim.engine.cluster.guests.values()].find(
    (g) => g.type === type && g.node === node && g.status === 'stopped' && !g.template,
  )!;
}

/** Clones a stopped guest of `type` on pve1 named `name` while the rival takes the first id. */
async function raceClone(type: 'qemu' | 'lxc', rivalType: 'qemu' | 'lxc', rivalNode: string, name: string) {
  const sim = await connect();
  const source = guestOf(sim, type, 'pve1');
  const raced = await racedClient(sim, rivalType, rivalNode);
  const done = await (await raced.wf.guests.find(source.vmid)).clone({ name });
  expect(done.attempts).toBe(2);
  expect(raced.nextidCalls()).toBe(2);
  expect(done.guest.vmid).not.toBe(raced.taken[0]);
  expect(source.lock).toBeUndefined();
  return { sim, done, taker: sim.engine.cluster.guests.get(raced.taken[0]!)!, taken: raced.taken[0]! };
}

describe('clone retries when the proposed vmid is taken meanwhile', () => {
  it('QEMU, taken on the same node: the request fails at once ("config file already exists"), the next id is used', async () => {
    const { sim, done, taker } = await raceClone('qemu', 'qemu', 'pve1', 'race-1');
    expect(sim.engine.cluster.guests.get(done.guest.vmid)?.config.name).toBe('race-1');
    // The rival's guest is left as it made it.
    expect(taker.config.name).toBeUndefined();
  });

  it('QEMU, taken on another node: the qmclone task fails ("... .conf failed: File exists"), nothing is left behind, the next id is used', async () => {
    const { sim, taker, taken } = await raceClone('qemu', 'qemu', 'pve2', 'race-2');
    expect(taker.node).toBe('pve2');
    expect(taker.config.name).toBeUndefined();
    const failed = [...sim.engine.tasks.tasks.values()].find(
      (t) => t.type === 'qmclone' && t.exitstatus !== 'OK',
    );
    expect(failed?.exitstatus).toBe(
      `close (rename) atomic file '/etc/pve/nodes/pve1/qemu-server/${taken}.conf' failed: File exists`,
    );
  });

  it('LXC, taken by a VM elsewhere: the request fails at once ("VM N already exists on node"), the next id is used', async () => {
    const { sim, done } = await raceClone('lxc', 'qemu', 'pve3', 'race-ct');
    expect(sim.engine.cluster.guests.get(done.guest.vmid)?.config.hostname).toBe('race-ct');
  });

  it('gives up after `attempts` tries and rejects with the last PVE error, typed', async () => {
    const sim = await connect();
    const source = guestOf(sim, 'lxc', 'pve1');
    const raced = await racedClient(sim, 'lxc', 'pve1', 10);
    const error = await rejection((await raced.wf.guests.find(source.vmid)).clone({ attempts: 3 }));
    expect(raced.nextidCalls()).toBe(3);
    expect(isResourceException(error)).toBe(true);
    expect((error as Error).message).toContain(`CT ${raced.taken[2]} already exists on node 'pve1'`);
  });

  it('does not retry an explicit newid, nor an error that is not a taken id', async () => {
    const sim = await connect();
    const source = guestOf(sim, 'qemu', 'pve1');
    const vm = await sim.wf.guests.find(source.vmid);
    const taken = guestOf(sim, 'qemu', 'pve2').vmid;
    const explicit = await rejection(vm.clone({ newid: taken }));
    // Taken on another node: PVE's request passes, its task fails.
    expect(isTaskFailedError(explicit)).toBe(true);
    const raced = await racedClient(sim, 'qemu', 'pve1', 0);
    const other = await rejection((await raced.wf.guests.find(source.vmid)).clone({ snapshot: 'nosuch' }));
    expect((other as Error).message).toContain("snapshot 'nosuch' does not exist");
    expect(raced.nextidCalls()).toBe(1);
  });
});
