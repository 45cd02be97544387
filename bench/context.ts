/** What scenarios share: settings, the demo simulator (started once), worker start-up. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JsonLinesChild } from './lib/json-lines-child.js';
import type { Settings } from './settings.js';
import { SimProcess, type Target } from './sim-process.js';
import { type ClientName, startWorker } from './workers/spawn-worker.js';

export class BenchContext {
  readonly settings: Settings;
  #demo: Promise<SimProcess> | undefined;

  constructor(settings: Settings) {
    this.settings = settings;
  }

  /** The demo dataset, shared by the scenarios that need nothing bigger. */
  demoSim(): Promise<SimProcess> {
    this.#demo ??= SimProcess.start({ service: 'PVE', dataset: 'demo' });
    return this.#demo;
  }

  /** Starts the selected clients (one process each), in order so that start-up does not overlap. */
  /**
   * A client whose worker cannot start (proxmoxer not installed, say) is left out with a
   * line in `notes`, so that the other clients' rows are still measured.
   */
  async workers(
    target: Target,
    only?: readonly ClientName[],
    nodeArgs: string[] = [],
    notes: string[] = [],
  ): Promise<Map<ClientName, JsonLinesChild>> {
    const map = new Map<ClientName, JsonLinesChild>();
    for (const client of this.settings.clients) {
      if (only !== undefined && !only.includes(client)) continue;
      try {
        map.set(client, await startWorker(client, target, [...nodeArgs, ...this.profileArgs(client)]));
      } catch (error) {
        notes.push(`${client} left out, its worker did not start: ${String(error).slice(0, 300)}`);
      }
    }
    return map;
  }

  /** Node flags that make the sdk and floor workers write CPU profiles (with --cpu-prof). */
  profileArgs(client: ClientName): string[] {
    if (!this.settings.cpuProf || (client !== 'sdk' && client !== 'floor')) return [];
    // .tmp/ is ignored by git; profiles are large and of one machine.
    const dir = resolve('.tmp/bench-profiles');
    mkdirSync(dir, { recursive: true });
    return ['--cpu-prof', '--cpu-prof-dir', dir];
  }

  async close(): Promise<void> {
    const demo = this.#demo;
    this.#demo = undefined;
    if (demo !== undefined) await (await demo).close();
  }
}

export async function closeAll(workers: Map<ClientName, JsonLinesChild>): Promise<void> {
  await Promise.all([...workers.values()].map((w) => w.close()));
}
