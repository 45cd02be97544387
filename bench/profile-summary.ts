/**
 * Reads a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof`) and prints
 * where the self time went: by area (our src/, undici, node internals, GC, idle) and the
 * top functions. Usage: tsx bench/profile-summary.ts FILE.cpuprofile... [--top N] [--area AREA]
 * Several files are added up (e.g. one per run of a short command). AREA, e.g.
 * proxmox-sdk, limits the function list to that area.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the system a frame belongs to; the question is always "ours or theirs?". */
function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)' || name === '(program)') return name;
  if (url.includes('/node_modules/')) return url.replace(/.*\/node_modules\/((@[^/]+\/)?[^/]+).*/, '$1');
  // A package build under .tmp/ (the bench's bench-pkg, or bench/cpu-per-call.ts's --package dirs).
  if (url.includes('/src/') || /\/\.tmp\/[^/]+\/dist\//.test(url)) return 'proxmox-sdk';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:')) return 'node internals';
  return url === '' ? 'native/v8' : 'other';
}

export function summarize(profiles: Profile[], top = 25, only?: string): string {
  const self: Array<[ProfileNode, number]> = [];
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    profile.samples.forEach((id, i) => {
      selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    for (const [id, us] of selfUs) self.push([byId.get(id)!, us]);
  }
  const total = self.reduce((a, [, us]) => a + us, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [node, us] of self) {
    const { functionName, url, lineNumber } = node.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const where =
      url === '' ? '' : ` ${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    if (only === undefined || a === only) functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const lines = [`total ${(total / 1000).toFixed(0)} ms sampled`, '', 'by area:'];
  for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1])) lines.push(`  ${pct(us)}  ${a}`);
  lines.push('', `top ${top} functions${only === undefined ? '' : ` in ${only}`} (self time):`);
  for (const [f, us] of [...functions].sort((x, y) => y[1] - x[1]).slice(0, top))
    lines.push(`  ${pct(us)}  ${f}`);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at === -1 ? undefined : args.splice(at, 2)[1];
  };
  const top = Number(option('--top') ?? 25);
  const area = option('--area');
  if (args.length === 0)
    throw new Error('usage: tsx bench/profile-summary.ts FILE... [--top N] [--area AREA]');
  const profiles = args.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Profile);
  console.log(summarize(profiles, top, area));
}
