/**
 * Each example under examples/ runs as its own process (`node --import tsx`) against the
 * HTTPS simulator, with its connection in PROXMOX_* variables, and prints what it promises.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/simulator/index.js';

const ROOT = new URL('..', import.meta.url).pathname;
let sim: RunningSimulator;
let home: string;
/** Serves a mirror directory with a SHA256SUMS file, for checksum discovery. */
let mirror: Server;
let mirrorUrl: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(example: string, env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('examples', example), ...args],
      // A clean environment: nothing of the caller's PROXMOX_* or HOME leaks in.
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: home, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function account(userid: string) {
  const user = sim.users.find((u) => u.userid === userid);
  if (!user) throw new Error(`the simulator has no ${userid}`);
  return user;
}

/** automation@pve with its token without privilege separation (PVEAdmin on /). */
function tokenEnv(): Record<string, string> {
  const token = account('automation@pve').tokens.find((t) => t.tokenid === 'full')!;
  return {
    PROXMOX_HOST: `${sim.host}:${sim.port}`,
    PROXMOX_FINGERPRINT: sim.fingerprint,
    PROXMOX_USER: 'automation@pve',
    PROXMOX_TOKEN_NAME: token.tokenid,
    PROXMOX_TOKEN_VALUE: token.value,
  };
}

function passwordEnv(userid: string): Record<string, string> {
  return {
    PROXMOX_HOST: `${sim.host}:${sim.port}`,
    PROXMOX_FINGERPRINT: sim.fingerprint,
    PROXMOX_USER: userid,
    PROXMOX_PASSWORD: account(userid).password,
  };
}

/** Asserts a clean run and answers its output. */
function ok(r: Run): string {
  expect(r.stderr.replace(/^\(node:\d+\) .*\n?/gm, ''), r.stdout).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  sim = await startSimulator({ authFailureDelayMs: 0, service: 'PVE' });
  home = mkdtempSync(join(tmpdir(), 'pxexamples-'));
  mirror = createServer((req, res) => {
    if (req.url === '/debian/SHA256SUMS') res.end(`${'ab'.repeat(32)}  netinst.iso\n`);
    else if (req.url === '/debian/netinst.iso')
      res.writeHead(200, { 'content-length': '1024' }).end(Buffer.alloc(1024));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim?.close();
  await new Promise((r) => mirror?.close(r));
  await rm(home, { recursive: true, force: true });
});

// Each run starts node and compiles TypeScript (twice for the sync facade's worker): on a
// busy machine that takes seconds, hence the generous time limit.
describe.concurrent('examples against the simulator', { timeout: 120_000 }, () => {
  it('env-vars: connects from PROXMOX_* and lists the nodes', async () => {
    expect(ok(await run('env-vars.ts', tokenEnv()))).toBe('nodes: pve1, pve2, pve3\n');
  });

  it('env-vars: names the missing variable', async () => {
    const { PROXMOX_HOST: _, ...env } = tokenEnv();
    const r = await run('env-vars.ts', env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PROXMOX_HOST is not set');
    expect(r.stderr).not.toContain(env.PROXMOX_TOKEN_VALUE);
  });

  it('credentials-file: reads the seed credentials.json, refuses it when others can read it', async () => {
    const env = tokenEnv();
    const path = join(home, 'credentials.json');
    writeFileSync(
      path,
      JSON.stringify({
        host: env.PROXMOX_HOST,
        user: env.PROXMOX_USER,
        token_name: env.PROXMOX_TOKEN_NAME,
        token_value: env.PROXMOX_TOKEN_VALUE,
        fingerprint: env.PROXMOX_FINGERPRINT,
      }),
    );
    chmodSync(path, 0o644);
    const refused = await run('credentials-file.ts', {}, [path]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`chmod 600 ${path}`);
    expect(refused.stderr).not.toContain(env.PROXMOX_TOKEN_VALUE);
    chmodSync(path, 0o600);
    expect(ok(await run('credentials-file.ts', {}, [path]))).toBe('nodes: pve1, pve2, pve3\n');
  });

  it('kubernetes-secret: reads a mounted secret directory', async () => {
    const env = tokenEnv();
    const dir = join(home, 'proxmox-credentials');
    mkdirSync(dir);
    const files = {
      host: env.PROXMOX_HOST,
      user: env.PROXMOX_USER,
      token_name: env.PROXMOX_TOKEN_NAME,
      token_value: env.PROXMOX_TOKEN_VALUE,
      fingerprint: env.PROXMOX_FINGERPRINT,
    };
    for (const [key, value] of Object.entries(files))
      writeFileSync(join(dir, key), `${value}\n`, { mode: 0o400 });
    expect(ok(await run('kubernetes-secret.ts', {}, [dir]))).toBe(`credentials from ${dir}: 3 nodes\n`);
  });

  it('ci-deploy-vm: creates the VM and waits for the task', async () => {
    const out = ok(
      await run('ci-deploy-vm.ts', { ...tokenEnv(), PROXMOX_NODE: 'pve2', PROXMOX_VMID: '4242' }),
    );
    expect(out).toMatch(
      /^VM created: UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:4242:automation@pve!full:\n/,
    );
    expect(out).toMatch(/VM 4242 on pve2: OK\n$/);
  });

  it('password: logs in with PROXMOX_PASSWORD (no prompt without a terminal)', async () => {
    expect(ok(await run('password.ts', passwordEnv('root@pam')))).toBe(
      'logged in as root@pam: pve1, pve2, pve3\n',
    );
    const { PROXMOX_PASSWORD: _, ...env } = passwordEnv('root@pam');
    const r = await run('password.ts', env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PROXMOX_PASSWORD is not set');
  });

  it('totp: answers the second factor from the TOTP secret', async () => {
    const env = { ...passwordEnv('tfa@pve'), PROXMOX_TOTP_SECRET: account('tfa@pve').totpSecret! };
    expect(ok(await run('totp.ts', env))).toBe('logged in with a second factor: 3 nodes\n');
  });

  it('vm-firewall: a security group on a VM, and a second run changes nothing', async () => {
    // Cluster security groups need Sys.Modify on /: an administrator's job.
    const env = { ...passwordEnv('root@pam'), PROXMOX_NODE: 'pve1', VMID: '100' };
    const first = ok(await run('vm-firewall.ts', env));
    expect(first).toBe(
      [
        'created security group webserver',
        "added rule 'http'",
        "added rule 'https'",
        "added rule 'ssh from admins'",
        'put webserver on VM 100',
        'VM 100 firewall on; webserver: 0:ssh from admins, 1:https, 2:http',
        '',
      ].join('\n'),
    );
    const again = ok(await run('vm-firewall.ts', env));
    expect(again).toBe('VM 100 firewall on; webserver: 0:ssh from admins, 1:https, 2:http\n');
    const vmRules = await sim.engine.call('GET', '/nodes/pve1/qemu/100/firewall/rules', {});
    expect(vmRules.data).toEqual([expect.objectContaining({ type: 'group', action: 'webserver', pos: 0 })]);
    const options = await sim.engine.call('GET', '/nodes/pve1/qemu/100/firewall/options', {});
    expect(options.data).toMatchObject({ enable: 1 });
  });

  it('batch-operations: one session for many calls', async () => {
    const out = ok(await run('batch-operations.ts', tokenEnv()));
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(':')[0]),
    ).toEqual(['pve1', 'pve2', 'pve3']);
    expect(out).toMatch(/VMs\n$/);
  });

  it('sync-wrapper: blocking calls', async () => {
    const out = ok(await run('sync-wrapper.ts', tokenEnv()));
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(':')[0]),
    ).toEqual(['pve1', 'pve2', 'pve3']);
  });

  it('sync-wrapper: a refused token ends in the AuthenticationError branch, without the secret', async () => {
    const wrong = 'ffffffff-0000-0000-0000-000000000000';
    const denied = await run('sync-wrapper.ts', { ...tokenEnv(), PROXMOX_TOKEN_VALUE: wrong });
    expect(denied.stdout).toMatch(/^Auth failed: GET \/nodes: 401/);
    expect(denied.stdout + denied.stderr).not.toContain(wrong);
    expect(denied.code).toBe(1);
  });

  it('sync-wrapper: an API error ends in the ResourceException branch', async () => {
    const missing = await run('sync-wrapper.ts', { ...tokenEnv(), PROXMOX_NODE: 'bad_node' });
    expect(missing.stdout).toBe('API error: 400 - Parameter verification failed.\n');
  });

  it('token-rotation: creates, checks and swaps the token; the secret goes to a 0600 file only', async () => {
    const secretFile = join(home, 'ci-v2.secret');
    const r = await run('token-rotation.ts', {
      ...passwordEnv('root@pam'),
      ROTATE_USER: 'automation@pve',
      OLD_TOKEN: 'ci',
      NEW_TOKEN: 'ci-v2',
      NEW_TOKEN_FILE: secretFile,
    });
    const out = ok(r);
    expect(out).toMatch(
      /^rotated automation@pve!ci -> automation@pve!ci-v2 \([1-9]\d* ACL entries copied\)\n/,
    );
    const secret = readFileSync(secretFile, 'utf8').trim();
    expect(secret).toMatch(/^[0-9a-f-]{36}$/);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(out).not.toContain(secret);
  });

  it('download-url: finds the checksum next to the URL and has the node download', async () => {
    const out = ok(
      // The simulator's query-url-metadata answers schema samples (filename 'sample'): name the file.
      await run('download-url.ts', { ...tokenEnv(), PROXMOX_NODE: 'pve1' }, [
        `${mirrorUrl}/debian/netinst.iso`,
        'local',
        'netinst.iso',
      ]),
    );
    expect(out).toContain(`checksum sha256 from ${mirrorUrl}/debian/SHA256SUMS\n`);
    expect(out).toMatch(/downloaded local:iso\/netinst.iso: OK\n$/);
  });

  it('upload-iso: streams the file with a checksum and waits for the copy', async () => {
    const file = join(home, 'tiny.iso');
    writeFileSync(file, Buffer.alloc(2 * 1024 * 1024, 1));
    const out = ok(await run('upload-iso.ts', { ...tokenEnv(), PROXMOX_NODE: 'pve1' }, [file]));
    expect(out).toBe(
      '0%\n25%\n50%\n75%\n100%\nuploaded local:iso/tiny.iso (2097152 bytes, sha256 checked by pve1): OK\n',
    );
  });

  it('nocloud-seed: builds, uploads and attaches the seed ISO once, then imports a disk', async () => {
    const out = ok(await run('nocloud-seed.ts', {}));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^seed local:iso\/cidata-106-[0-9a-f]{12}\.iso \(\d+ bytes\) on ide2, uploaded: true$/,
    );
    expect(lines[1]).toBe('same data again: uploaded: false');
    expect(lines[2]).toMatch(
      /^imported local:import\/cloud-image\.qcow2 as scsi1: local-lvm:vm-106-disk-\d+$/,
    );
    // PVE writes the ISO's size beside it (qemu-server create_disks).
    expect(lines[3]).toBe(`ide2: ${lines[0]!.split(' ')[1]},media=cdrom,size=56K`);
  });

  it('workflows: finds by name, clones to the next id, snapshots, starts the stopped VMs two at a time', async () => {
    // Starts its own simulator (demo dataset): dns-06 is the stopped VM 106 on pve1, 136 the next free id.
    const out = ok(await run('workflows.ts', {}));
    const lines = out.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'found dns-06: qemu 106 on pve1 (stopped)',
      'cloned to 136 on pve1 (1 attempt)',
      'snapshot fresh_clone taken; 136 has: fresh_clone',
    ]);
    expect(lines.filter((l) => l.startsWith('start '))).toEqual(
      Array.from({ length: 7 }, (_, i) => `start ${i + 1}/7`),
    );
    expect(lines).toContain('  136 dns-06-copy: started');
    expect(lines.at(-1)).toBe('started 7 of 7, 0 failed, at most 2 at once; 0 VMs still stopped');
  });

  it('ensure: desired state applied twice; the second pass says unchanged for each and writes nothing', async () => {
    // Starts its own simulator (demo dataset): 136 is the next free vmid. The write count is
    // the example's own reading of the simulator's request statistics (every non-GET but the login).
    expect(ok(await run('ensure.ts', {}))).toBe(
      [
        'guest app-01 (136): created memory,cores,net0',
        'user deployer@pve: created comment',
        'token deployer@pve!ci: created (secret received once)',
        'acl /vms/136 PVEVMUser: updated deployer@pve,deployer@pve!ci',
        "firewall rule 'ssh from the lab': created",
        'first pass: 5 writes',
        'guest app-01 (136): unchanged',
        'user deployer@pve: unchanged',
        'token deployer@pve!ci: unchanged',
        'acl /vms/136 PVEVMUser: unchanged',
        "firewall rule 'ssh from the lab': unchanged",
        'second pass: 0 writes',
        '',
      ].join('\n'),
    );
  });

  it('cloud-init: typed settings with the keys encoded as PVE decodes them, a disk added, grown and moved; the config read back', async () => {
    // Starts its own simulator (demo dataset): web-24 is the stopped VM 124 on pve1, scsi0 its vm-124-disk-0.
    const out = ok(await run('cloud-init.ts', {}));
    expect(out).toBe(
      [
        'cloud-init: set ciuser, cipassword, sshkeys, ipconfig0, nameserver, searchdomain; drive regenerated: true',
        'added scsi1: local-lvm:vm-124-disk-1,discard=on,size=4G',
        'grown: local-lvm:vm-124-disk-1,discard=on,size=6G',
        'ciuser: ops',
        // qemu-server PVE/API2/Qemu.pm vm_config masks cipassword.
        'cipassword: **********',
        'ipconfig0: ip=10.0.0.24/24,gw=10.0.0.1',
        'nameserver: 10.0.0.2 10.0.0.3',
        'searchdomain: lab.example',
        'ide2: local-lvm:vm-124-cloudinit,media=cdrom',
        // The first free name on the target storage; the source went with deleteSource.
        'scsi1: shared-nfs:124/vm-124-disk-0.raw,discard=on,size=6G',
        'unused disks: none',
        'sshkeys: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID08q33j/nNqpfcIcPAJlNJManxE8ifvbV9wd22Km1/N ops@laptop',
        '',
      ].join('\n'),
    );
    expect(out).not.toContain('Example-Only-1');
  });

  it('migrate-power: a running VM moved online, a shutdown that runs out of time ends in a hard stop, then a start that waits for the agent', async () => {
    // Starts its own simulator (demo dataset, 1 s tasks): web-00 is the running VM 100 on pve1.
    expect(ok(await run('migrate-power.ts', {}))).toBe(
      [
        'migrated web-00 (100) pve1 -> pve2 (qmigrate)',
        'on pve2: running',
        // 300 ms for a 1 s shutdown: a stop with overrule-shutdown follows (qemu-server PVE/API2/Qemu.pm vm_stop).
        'shutdown: forced (qmshutdown, qmstop)',
        'state: stopped',
        'start: qmstart; agent answers; state: running',
        '',
      ].join('\n'),
    );
  });

  it('consoles: a container console (login, uname -a, size at open and after resize, exit) and a VM display over VNC, with a token', async () => {
    const out = ok(await run('consoles.ts', tokenEnv()));
    expect(out).toBe(
      [
        'ct 109 on pve1: Linux git-09 6.8.12-4-pve #1 SMP x86_64 GNU/Linux',
        'pty size (rows cols): 30 100',
        'after resize: 43 132',
        'vm 103: RFB 003.008, security types 2 (2 = VNC Authentication)',
        '',
      ].join('\n'),
    );
  });

  it('local-monitoring: the on-host script, run on the in-process simulator', async () => {
    expect(ok(await run('local-monitoring.ts', { PROXMOX_BACKEND: 'mock' }))).toMatch(
      /^Node pve1: online, up \d+ h\nNode pve2: online, up \d+ h\nNode pve3: online, up \d+ h\n$/,
    );
  });
});
