/**
 * The node's appliance index and downloads (pve-manager PVE/API2/Nodes.pm aplinfo and
 * apl_download, PVE/APLInfo.pm read_aplinfo_from_fh), one realm's config
 * (pve-access-control PVE/API2/Domains.pm read) and the nodes' addresses in /cluster/status.
 */
import { describe, expect, it } from 'vitest';
import { demoEngine, fails, finish, ok } from './engine-helpers.js';

describe('appliance templates (aplinfo, apl_download)', () => {
  it('lists index records with absolute locations, checksums and template file names', async () => {
    const engine = demoEngine();
    const list = await ok(engine, 'GET', '/nodes/pve1/aplinfo');
    expect(list.length).toBeGreaterThanOrEqual(3);
    const debian = list.find((a: any) => a.package === 'debian-13-standard');
    expect(debian).toMatchObject({
      type: 'lxc',
      os: 'debian-13',
      section: 'system',
      architecture: 'amd64',
      headline: 'Debian 13 Trixie (standard)',
      source: 'http://download.proxmox.com/images',
      location: `http://download.proxmox.com/images/system/${debian.template}`,
    });
    expect(debian.template).toMatch(/^debian-13-standard_[\d.]+-\d+_amd64\.tar\.zst$/);
    expect(debian.sha512sum).toMatch(/^[0-9a-f]{128}$/);
    for (const a of list) expect(a.location.endsWith(`/${a.template}`)).toBe(true);
  });

  it('downloads a template into vztmpl content as a download task; a container can use it', async () => {
    const engine = demoEngine();
    const template = (await ok(engine, 'GET', '/nodes/pve2/aplinfo')).find(
      (a: any) => a.package === 'debian-12-standard',
    ).template;
    const upid = await ok(engine, 'POST', '/nodes/pve2/aplinfo', { storage: 'local', template });
    expect(upid).toContain(`:download:${template}:root@pam:`);
    await finish(engine, upid);
    const log = await ok(engine, 'GET', `/nodes/pve2/tasks/${upid}/log`);
    expect(log.map((l: any) => l.t)).toContain('calculating checksum...OK, checksum verified');
    const content = await ok(engine, 'GET', '/nodes/pve2/storage/local/content', { content: 'vztmpl' });
    expect(content.find((v: any) => v.volid === `local:vztmpl/${template}`)).toMatchObject({
      format: 'tzst',
    });
    // Local storage: another node does not have it.
    const other = await ok(engine, 'GET', '/nodes/pve3/storage/local/content', { content: 'vztmpl' });
    expect(other.find((v: any) => v.volid === `local:vztmpl/${template}`)).toBeUndefined();
    const ct = await ok(engine, 'POST', '/nodes/pve2/lxc', {
      vmid: '990',
      ostemplate: `local:vztmpl/${template}`,
      rootfs: 'local-lvm:2',
    });
    await finish(engine, ct);
  });

  it('refuses an unknown template and a storage without vztmpl content', async () => {
    const engine = demoEngine();
    const unknown = await fails(engine, 'POST', '/nodes/pve1/aplinfo', {
      storage: 'local',
      template: 'nosuch.tar.gz',
    });
    expect(unknown.errors).toEqual({ template: 'no such template' });
    const template = (await ok(engine, 'GET', '/nodes/pve1/aplinfo'))[0].template;
    const wrong = await fails(engine, 'POST', '/nodes/pve1/aplinfo', { storage: 'local-lvm', template });
    expect(wrong.message).toBe("storage 'local-lvm' does not support templates\n");
  });
});

describe('GET /access/domains/{realm} (Domains.pm read)', () => {
  it("answers the realm's config with the file's digest; pam names its plugin", async () => {
    const engine = demoEngine();
    const pve = await ok(engine, 'GET', '/access/domains/pve');
    expect(pve).toEqual({
      type: 'pve',
      comment: 'Proxmox VE authentication server',
      digest: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const pam = await ok(engine, 'GET', '/access/domains/pam');
    expect(pam).toMatchObject({
      type: 'pam',
      plugin: 'PVE::Auth::PAM',
      comment: 'Linux PAM standard authentication',
    });
    expect(pam.digest).toBe(pve.digest);
    const missing = await fails(engine, 'GET', '/access/domains/corp');
    expect(missing.message).toBe("domain 'corp' does not exist\n");
  });
});

describe('GET /cluster/status', () => {
  it('gives every node its own ip', async () => {
    const engine = demoEngine();
    const nodes = (await ok(engine, 'GET', '/cluster/status')).filter((e: any) => e.type === 'node');
    expect(nodes.length).toBe(3);
    const ips = nodes.map((n: any) => n.ip);
    for (const ip of ips) expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(new Set(ips).size).toBe(3);
  });
});
