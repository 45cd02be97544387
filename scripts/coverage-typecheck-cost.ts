/**
 * Type-check cost of 50 typical PVE calls: this SDK's types against the npm `proxmox-api`
 * package's types on the equivalent calls, measured in one run (alternating, best of N).
 * Writes both files to a temp dir, runs `tsc --noEmit --extendedDiagnostics` on each and
 * prints check time, total time and memory. A benchmark prints; it never fails on speed.
 * Run: npx tsx scripts/coverage-typecheck-cost.ts [rounds=3] [--tsc path/to/tsc or tsgo]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Seg = string | [string, string | number];
type Call = [segments: Seg[], verb: 'get' | 'post' | 'put' | 'delete', params?: string];

const n: Seg = ['nodes', 'pve1'];
const vm: Seg[] = [n, ['qemu', 100]];
const ct: Seg[] = [n, ['lxc', 200]];
const CALLS: Call[] = [
  [['nodes'], 'get'],
  [['cluster', 'resources'], 'get', "{ type: 'vm' }"],
  [['cluster', 'status'], 'get'],
  [['cluster', 'nextid'], 'get'],
  [['version'], 'get'],
  [[n, 'status'], 'get'],
  [[n, 'qemu'], 'get'],
  [
    [n, 'qemu'],
    'post',
    "{ vmid: 100, name: 'vm', cores: 2, sockets: 1, net0: 'virtio,bridge=vmbr0', scsi0: 'local-lvm:8', ostype: 'l26' }",
  ],
  [[...vm, 'status', 'current'], 'get'],
  [[...vm, 'status', 'start'], 'post'],
  [[...vm, 'status', 'stop'], 'post'],
  [[...vm, 'status', 'shutdown'], 'post', '{ timeout: 60 }'],
  [[...vm, 'status', 'reboot'], 'post'],
  [[...vm, 'status', 'suspend'], 'post'],
  [[...vm, 'status', 'resume'], 'post'],
  [[...vm, 'config'], 'get'],
  [[...vm, 'config'], 'put', '{ cores: 4 }'],
  [[...vm, 'config'], 'post', '{ cores: 2 }'],
  [[...vm, 'snapshot'], 'get'],
  [[...vm, 'snapshot'], 'post', "{ snapname: 's1' }"],
  [[...vm, ['snapshot', 's1']], 'delete'],
  [[...vm, ['snapshot', 's1'], 'rollback'], 'post'],
  [[...vm, 'clone'], 'post', '{ newid: 101 }'],
  [[...vm, 'migrate'], 'post', "{ target: 'pve2' }"],
  [[...vm, 'resize'], 'put', "{ disk: 'scsi0', size: '+1G' }"],
  [[...vm, 'agent', 'get-fsinfo'], 'get'],
  [[...vm, 'agent', 'network-get-interfaces'], 'get'],
  [[...vm, 'agent', 'ping'], 'post'],
  [[...vm], 'delete'],
  [[...vm, 'rrddata'], 'get', "{ timeframe: 'hour' }"],
  [[n, 'lxc'], 'get'],
  [[n, 'lxc'], 'post', "{ vmid: 200, ostemplate: 'local:vztmpl/debian.tar.zst' }"],
  [[...ct, 'status', 'start'], 'post'],
  [[...ct, 'status', 'current'], 'get'],
  [[...ct, 'config'], 'get'],
  [[...ct, 'config'], 'put', '{ cores: 2 }'],
  [[n, 'storage'], 'get'],
  [[n, ['storage', 'local'], 'content'], 'get', "{ content: 'iso' }"],
  [[n, ['storage', 'local'], 'status'], 'get'],
  [[n, 'tasks'], 'get', '{ limit: 10 }'],
  [[n, ['tasks', 'UPID:pve1:1'], 'status'], 'get'],
  [[n, ['tasks', 'UPID:pve1:1'], 'log'], 'get', '{ start: 0, limit: 50 }'],
  [[n, 'network'], 'get'],
  [[n, 'services'], 'get'],
  [[n, 'version'], 'get'],
  [['access', 'users'], 'get'],
  [['access', 'users'], 'post', "{ userid: 'ci@pve' }"],
  [['access', 'acl'], 'put', "{ path: '/', roles: 'PVEAdmin', users: 'ci@pve' }"],
  [['pools'], 'get'],
  [['storage'], 'get'],
];

const key = (s: string) => (/^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`);
const lit = (v: string | number) => JSON.stringify(v);

function sdkCall([segs, verb, params]: Call): string {
  const p = segs.map((s) => (typeof s === 'string' ? key(s) : `${key(s[0])}(${lit(s[1])})`)).join('');
  return `px${p}.${verb}(${params ?? ''})`;
}

function peerCall([segs, verb, params]: Call): string {
  const p = segs.map((s) => (typeof s === 'string' ? key(s) : `${key(s[0])}.$(${lit(s[1])})`)).join('');
  return `pa${p}.$${verb}(${params ?? ''})`;
}

function file(header: string, calls: string[]): string {
  return `${header}\nexport async function fifty() {\n${calls.map((c, i) => `  const r${i} = await ${c};`).join('\n')}\n  return [${calls.map((_, i) => `r${i}`).join(', ')}];\n}\n`;
}

interface Figures {
  check: number;
  total: number;
  memoryMb: number;
  errors: number;
}

function measure(tsc: string, project: string): Figures {
  let out = '';
  try {
    const args = ['-p', project, '--extendedDiagnostics'];
    // A JavaScript entry (tsc) runs under this node; anything else (tsgo) runs as is.
    out =
      tsc.endsWith('.js') || path.basename(tsc) === 'tsc'
        ? execFileSync(process.execPath, [tsc, ...args], { encoding: 'utf8' })
        : execFileSync(tsc, args, { encoding: 'utf8' });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  const num = (label: string) => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(out)?.[1] ?? Number.NaN);
  return {
    check: num('Check time'),
    total: num('Total time'),
    memoryMb: Math.round(num('Memory used') / 1024),
    errors: (out.match(/error TS\d+/g) ?? []).length,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--tsc');
  const tsc =
    ti >= 0 ? path.resolve(args[ti + 1] ?? '') : path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pxsdk-cost-'));
  try {
    const sdkHeader = `import type { ApiRoot } from ${lit(path.join(repoRoot, 'src/typed/api.js'))};\ndeclare const px: ApiRoot<'PVE'>;`;
    const peerHeader = `import type { Proxmox } from ${lit(path.join(repoRoot, 'node_modules/proxmox-api/esm/model.js'))};\ndeclare const pa: Proxmox.Api;`;
    // The same calls against the PVE tree alone: what one product's types cost (the client's
    // public type names all four products, so a real client parses all four).
    const pveHeader = [
      `import type { CallOptions, TaskStatus } from ${lit(path.join(repoRoot, 'src/options/call-options.js'))};`,
      `import type { Root } from ${lit(path.join(repoRoot, 'src/generated/pve/tree.js'))};`,
      'declare const px: Root<{ options: CallOptions; sync: false; taskStatus: TaskStatus }>;',
    ].join('\n');
    writeFileSync(path.join(dir, 'sdk.ts'), file(sdkHeader, CALLS.map(sdkCall)));
    writeFileSync(path.join(dir, 'sdk-pve.ts'), file(pveHeader, CALLS.map(sdkCall)));
    writeFileSync(path.join(dir, 'peer.ts'), file(peerHeader, CALLS.map(peerCall)));
    const options = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      typeRoots: [path.join(repoRoot, 'node_modules/@types')],
      lib: ['ES2023', 'ESNext.Disposable'],
    };
    for (const name of ['sdk', 'sdk-pve', 'peer']) {
      writeFileSync(
        path.join(dir, `${name}.json`),
        JSON.stringify({ compilerOptions: options, files: [`${name}.ts`] }),
      );
    }
    const best: Record<string, Figures> = {};
    for (let r = 0; r < rounds; r++) {
      for (const name of ['sdk', 'sdk-pve', 'peer']) {
        const f = measure(tsc, path.join(dir, `${name}.json`));
        const b = best[name];
        if (!b || f.total < b.total) best[name] = f;
      }
    }
    console.log(`tsc: ${tsc}\n50 typical PVE calls, best of ${rounds}, skipLibCheck on (as users compile)\n`);
    console.log('| types | check s | total s | memory MB | type errors |');
    console.log('|---|---|---|---|---|');
    const labels = [
      ['sdk', 'proxmox-sdk (ApiRoot: parses all 4 products)'],
      ['sdk-pve', 'proxmox-sdk (PVE tree only)'],
      ['peer', 'proxmox-api 1.1.1 (PVE 8 only)'],
    ] as const;
    for (const [name, label] of labels) {
      const f = best[name]!;
      console.log(`| ${label} | ${f.check} | ${f.total} | ${f.memoryMb} | ${f.errors} |`);
    }
  } finally {
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log(dir);
  }
}

main();
