/**
 * The NoCloud seed ISO read by the tools a guest and an admin use: util-linux's blkid (what
 * cloud-init runs to find the `cidata` label, cloudinit/util.py find_devs_with) and
 * genisoimage's isoinfo (descriptors, the Joliet listing and file extraction). System suite:
 * needs /usr/sbin/blkid (util-linux) and /usr/bin/isoinfo (genisoimage).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noCloudFiles, noCloudIso } from '../../src/index.js';

const USER_DATA = '#cloud-config\nhostname: web-1\npackages: [nginx]\n';
const NETWORK = 'version: 2\nethernets:\n  eth0: {dhcp4: true}\n';
const dir = mkdtempSync(join(tmpdir(), 'nocloud-tools-'));
const iso = join(dir, 'seed.iso');
writeFileSync(
  iso,
  noCloudIso(
    noCloudFiles({ userData: USER_DATA, networkConfig: NETWORK }, { instanceId: 'iid-7', hostname: 'web-1' }),
  ),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8' });

describe('the NoCloud ISO as system tools read it', () => {
  it('blkid probes an iso9660 filesystem labelled cidata with the Joliet extension', () => {
    const probe = Object.fromEntries(
      run('/usr/sbin/blkid', ['-p', '-o', 'export', iso])
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );
    expect(probe).toMatchObject({
      TYPE: 'iso9660',
      LABEL: 'cidata',
      BLOCK_SIZE: '2048',
      USAGE: 'filesystem',
    });
    expect(probe.VERSION).toMatch(/Joliet/);
  });

  it('isoinfo finds Joliet level 3, lists the cloud-init names and extracts the same bytes', () => {
    const info = run('/usr/bin/isoinfo', ['-d', '-i', iso]);
    expect(info).toMatch(/Volume id: cidata/);
    expect(info).toMatch(/Joliet with UCS level 3 found/);
    const listing = run('/usr/bin/isoinfo', ['-J', '-l', '-i', iso]);
    for (const name of ['meta-data', 'network-config', 'user-data']) expect(listing).toContain(name);
    expect(run('/usr/bin/isoinfo', ['-J', '-x', '/user-data;1', '-i', iso])).toBe(USER_DATA);
    expect(run('/usr/bin/isoinfo', ['-J', '-x', '/network-config;1', '-i', iso])).toBe(NETWORK);
    expect(run('/usr/bin/isoinfo', ['-J', '-x', '/meta-data;1', '-i', iso])).toBe(
      'instance-id: iid-7\nlocal-hostname: web-1\n',
    );
    // Without Joliet, the 8.3 names of the primary tree reach the same file.
    expect(run('/usr/bin/isoinfo', ['-x', '/USER_DAT.;1', '-i', iso])).toBe(USER_DATA);
  });
});
