/**
 * The workflows in one run: find a guest by name (no node to name), clone it to the next
 * free vmid and wait, snapshot the clone, then start every stopped VM two at a time with a
 * result per VM. Starts the simulator in this process, so it needs no server:
 *
 *   node --import tsx examples/workflows.ts [guest-name]     (default dns-06)
 *
 * Against a real server, drop startSimulator() and connect with your host, token and
 * fingerprint (or `ProxmoxSDK.fromEnv()`); the workflow calls stay the same.
 */
import { ProxmoxSDK, workflows } from '../src/index.js';
import { startSimulator } from '../src/simulator/index.js';

const name = process.argv[2] ?? 'dns-06';
// Short tasks keep the run quick; a real clone or start takes seconds to minutes.
const sim = await startSimulator({ service: 'PVE', taskDurationMs: 50 });
try {
  // The demo administrator: cloning and starting guests on any node needs VM.* on /.
  const root = sim.users.find((u) => u.userid === 'root@pam')!;
  await using px = await ProxmoxSDK.connect({
    host: sim.url,
    fingerprint: sim.fingerprint,
    user: root.userid,
    password: root.password,
  });
  const wf = workflows(px);

  // One /cluster/resources call finds it anywhere in the cluster; a name two guests share
  // throws GuestLookupError 'ambiguous' instead of picking one.
  const source = await wf.guests.find(name);
  console.log(`found ${source.name}: ${source.type} ${source.vmid} on ${source.node} (${source.status})`);

  // The next free vmid; when another script takes it first, the clone asks again.
  const { guest: clone, attempts } = await source.clone({ name: `${name}-copy`, full: true });
  console.log(`cloned to ${clone.vmid} on ${clone.node} (${attempts} attempt${attempts === 1 ? '' : 's'})`);

  const snapshot = await clone.snapshots.create('fresh_clone', { description: 'right after cloning' });
  const names = (await clone.snapshots.list()).map((s) => s.name);
  console.log(`snapshot ${snapshot.name} taken; ${clone.vmid} has: ${names.join(', ')}`);

  const stopped = (await wf.guests.list({ type: 'qemu', excludeTemplates: true })).filter(
    (g) => g.status === 'stopped',
  );
  let inFlight = 0;
  let peak = 0;
  const result = await wf.bulk(
    stopped,
    async (vm, signal) => {
      peak = Math.max(peak, ++inFlight);
      try {
        return await vm.start(signal ? { signal } : {});
      } finally {
        inFlight--;
      }
    },
    {
      concurrency: 2,
      onProgress: (p) => console.log(`start ${p.done}/${p.total}${p.failed ? ` (${p.failed} failed)` : ''}`),
    },
  );
  for (const r of result.results) {
    console.log(
      `  ${r.item.vmid} ${r.item.name}: ${r.ok ? (r.value.changed ? 'started' : 'was running') : `failed: ${String(r.error)}`}`,
    );
  }
  // Asked again, not assumed: every start waited for its task.
  const still = (await wf.guests.list({ type: 'qemu' })).filter((g) => g.status === 'stopped');
  console.log(
    `started ${result.succeeded} of ${stopped.length}, ${result.failed} failed, at most ${peak} at once; ${still.length} VMs still stopped`,
  );
} finally {
  await sim.close();
}
