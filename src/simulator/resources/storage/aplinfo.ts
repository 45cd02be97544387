/**
 * The node's appliance index and template downloads: pve-manager PVE/API2/Nodes.pm
 * `aplinfo` (every record of the index but pve-web-news) and `apl_download` (a `download`
 * task that fetches the template into the storage's vztmpl content, checked against the
 * index's sha512sum), with records as PVE/APLInfo.pm `read_aplinfo_from_fh` builds them:
 * lower-cased keys, the first Description line as `headline`, `location` made absolute
 * with the index's source, `template` the file name.
 */
import { createHash } from 'node:crypto';
import { authId, type HandlerContext, type HandlerTable, str } from '../../engine/handler.js';
import { paramError, SimError } from '../../engine/sim-error.js';
import { requireNode } from '../guests/common.js';
import { findStorage } from './lookup.js';

const PROXMOX = 'http://download.proxmox.com/images';
const TURNKEY = 'https://releases.turnkeylinux.org/pve';
const INFOPAGE = 'https://pve.proxmox.com/wiki/Linux_Container#pct_supported_distributions';

interface Appliance {
  package: string;
  version: string;
  os: string;
  section: string;
  headline: string;
  description: string;
  file: string;
  source: string;
  /** Bytes of the template, for the volume the download leaves. */
  size: number;
}

const INDEX: Appliance[] = [
  {
    package: 'debian-13-standard',
    version: '13.1-2',
    os: 'debian-13',
    section: 'system',
    headline: 'Debian 13 Trixie (standard)',
    description: 'A small Debian Trixie system including all standard packages.',
    file: 'debian-13-standard_13.1-2_amd64.tar.zst',
    source: PROXMOX,
    size: 129_453_568,
  },
  {
    package: 'debian-12-standard',
    version: '12.12-1',
    os: 'debian-12',
    section: 'system',
    headline: 'Debian 12 Bookworm (standard)',
    description: 'A small Debian Bookworm system including all standard packages.',
    file: 'debian-12-standard_12.12-1_amd64.tar.zst',
    source: PROXMOX,
    size: 126_484_480,
  },
  {
    package: 'ubuntu-24.04-standard',
    version: '24.04-2',
    os: 'ubuntu-24.04',
    section: 'system',
    headline: 'Ubuntu 24.04 Noble (standard)',
    description: 'A small Ubuntu 24.04 Noble Numbat system including all standard packages.',
    file: 'ubuntu-24.04-standard_24.04-2_amd64.tar.zst',
    source: PROXMOX,
    size: 141_803_520,
  },
  {
    package: 'alpine-3.22-default',
    version: '20250617',
    os: 'alpine',
    section: 'system',
    headline: 'Alpine Linux 3.22 (default)',
    description: 'A small Alpine Linux 3.22 system.',
    file: 'alpine-3.22-default_20250617_amd64.tar.xz',
    source: PROXMOX,
    size: 3_215_360,
  },
  {
    package: 'turnkey-wordpress',
    version: '18.2-1',
    os: 'debian-12',
    section: 'turnkeylinux',
    headline: 'TurnKey WordPress',
    description: 'Blog publishing platform and CMS.',
    file: 'debian-12-turnkey-wordpress_18.2-1_amd64.tar.gz',
    source: TURNKEY,
    size: 352_321_536,
  },
];

/** The index's checksum of a template (a stand-in: the real index carries the file's). */
const sha512sum = (a: Appliance): string =>
  createHash('sha512').update(`${a.source}/${a.file}`).digest('hex');

function record(a: Appliance): Record<string, string> {
  return {
    package: a.package,
    version: a.version,
    type: 'lxc',
    os: a.os,
    section: a.section,
    maintainer:
      a.section === 'turnkeylinux'
        ? 'Anton Pyrogovskyi <anton@turnkeylinux.org>'
        : 'Proxmox Support Team <support@proxmox.com>',
    architecture: 'amd64',
    infopage: a.section === 'turnkeylinux' ? `https://www.turnkeylinux.org/${a.package.slice(8)}` : INFOPAGE,
    headline: a.headline,
    description: a.description,
    location: `${a.source}/${a.section === 'turnkeylinux' ? '' : `${a.section}/`}${a.file}`,
    sha512sum: sha512sum(a),
    source: a.source,
    template: a.file,
  };
}

/** The storage format a template's extension gives (pve-storage `VZTMPL_EXT_RE_1`). */
function templateFormat(file: string): string {
  if (file.endsWith('.tar.zst')) return 'tzst';
  if (file.endsWith('.tar.xz')) return 'txz';
  return 'tgz';
}

function aplDownload(ctx: HandlerContext): unknown {
  const { core } = ctx;
  const node = requireNode(core, str(ctx.params.node));
  const name = str(ctx.params.template) ?? '';
  const appliance = INDEX.find((a) => a.file === name);
  if (!appliance) throw paramError({ template: 'no such template' });
  const storage = findStorage(core, str(ctx.params.storage), node);
  if (!storage.content.includes('vztmpl'))
    throw new SimError(500, `storage '${storage.storage}' does not support templates`);
  const info = record(appliance);
  const dir = `${storage.path ?? `/mnt/pve/${storage.storage}`}/template/cache`;
  const volid = `${storage.storage}:vztmpl/${name}`;
  return core.tasks.start({
    node,
    type: 'download',
    id: name,
    user: authId(ctx.subject),
    log: [`downloading ${info.location} to ${dir}/${name}`],
    work: () => {
      const volumes = core.storage.volumes(node, storage.storage);
      // download_file_from_url: a file already there with the right checksum is kept.
      if (volumes.has(volid))
        return ['calculating checksum of existing file...OK, got correct file already, no need to download'];
      volumes.set(volid, {
        volid,
        content: 'vztmpl',
        format: templateFormat(name),
        size: appliance.size,
        ctime: Math.floor(core.clock.now() / 1000),
      });
      return [
        'calculating checksum...OK, checksum verified',
        `download of '${info.location}' to '${dir}/${name}' finished`,
      ];
    },
  }).upid;
}

export const aplinfoHandlers: HandlerTable = {
  'GET /nodes/{node}/aplinfo': (ctx) => {
    requireNode(ctx.core, str(ctx.params.node));
    return INDEX.map(record);
  },
  'POST /nodes/{node}/aplinfo': aplDownload,
};
