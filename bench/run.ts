/**
 * `npm run bench`: every scenario of issue 8, a table of medians and ratios on stdout,
 * the same figures in bench/results/latest.json. Flags: see bench/settings.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BenchContext } from './context.js';
import { pinning, setPinning } from './lib/cpu-pin.js';
import { buildPackage, PACKAGE_DIR } from './lib/package-build.js';
import { machineInfo } from './machine.js';
import { formatSection, markdownSection, type Section } from './report.js';
import { consoles } from './scenarios/console.js';
import { external } from './scenarios/external.js';
import { largeAnswers } from './scenarios/large-answers.js';
import { loginStorm } from './scenarios/login-storm.js';
import { inventoryJob, neutral } from './scenarios/model-servers.js';
import { renewal } from './scenarios/renewal.js';
import { startup } from './scenarios/startup.js';
import { throughput } from './scenarios/throughput.js';
import { parseSettings, type ScenarioId } from './settings.js';

function pinningText(): string {
  return pinning() ? 'simulator on core 0, each client on core 1' : 'not pinned';
}

type Runner = (ctx: BenchContext) => Promise<Section>;

const RUNNERS: Record<ScenarioId, Runner> = {
  version: (ctx) => throughput(ctx, 'version', '/version'),
  resources: (ctx) => throughput(ctx, 'resources', '/cluster/resources'),
  storm: loginStorm,
  renewal,
  large: largeAnswers,
  // Its default counts (500 calls; ~0.6 s per new ssh connection) alone would take over 5 minutes.
  shell: (ctx) =>
    external(ctx, 'shell', 'Shell backends (bench/shell-backends.ts)', 'bench/shell-backends.ts', [
      ...['--calls', '60', '--per-call', '20'],
    ]),
  startup,
  console: consoles,
  neutral,
  inventory: inventoryJob,
  sync: (ctx) =>
    external(ctx, 'sync', 'Blocking facade cost per call (bench/sync-cost.ts)', 'bench/sync-cost.ts'),
};

const settings = parseSettings(process.argv.slice(2));
setPinning(settings.pin);
const machine = machineInfo();
const ctx = new BenchContext(settings);
const sections: Section[] = [];
const started = performance.now();
console.log(
  `proxmox-sdk bench${settings.quick ? ' (quick)' : ''}: ${machine.cpuModel} x${machine.cores}, Node ${machine.node}, load ${machine.loadAvg1.toFixed(2)}, ${pinningText()}`,
);
try {
  console.log(`built the package into ${PACKAGE_DIR} in ${((await buildPackage()) / 1000).toFixed(1)} s`);
  for (const id of settings.scenarios) {
    const t0 = performance.now();
    let section: Section;
    try {
      section = await RUNNERS[id](ctx);
    } catch (error) {
      // One broken scenario (a peer missing, a simulator route not there yet) must not hide the others.
      section = { id, title: id, columns: [], rows: [], targets: [], notes: [`failed: ${String(error)}`] };
    }
    section.notes.push(`took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    sections.push(section);
    console.log(formatSection(section));
  }
} finally {
  await ctx.close();
}

const result = {
  machine,
  settings: { ...settings, pin: pinning() },
  durationS: (performance.now() - started) / 1000,
  sections,
};
mkdirSync(dirname(settings.out), { recursive: true });
writeFileSync(settings.out, `${JSON.stringify(result, null, 2)}\n`);
// The same figures as Markdown, ready for bench/README.md.
const markdown = settings.out.replace(/\.json$/, '.md');
const header = `${machine.cpuModel} x${machine.cores}, Node ${machine.node}, ${machine.date}, 1-min load ${machine.loadAvg1.toFixed(2)}, ${pinningText()}${settings.quick ? ', --quick' : ''}`;
writeFileSync(markdown, `${[header, ...sections.map(markdownSection)].join('\n\n')}\n`);
console.log(`\nwrote ${settings.out} and ${markdown} in ${result.durationS.toFixed(0)} s`);
