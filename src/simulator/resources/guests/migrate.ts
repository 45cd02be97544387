/**
 * Migration to another node of the cluster, after qemu-server src/PVE/QemuMigrate.pm and
 * pve-container src/PVE/LXC/Migrate.pm (phase1: scan the volumes on local storages, copy each
 * to the target node's storage, `targetstorage` / `target-storage` mapping them, then move the
 * config with the new volume ids) and pve-guest-common src/PVE/AbstractMigrate.pm migrate
 * (the closing line and the `migration aborted` exit status). Disks are not stored apart from
 * the configs that name them (storage/volumes.ts), so the source node's storage stops listing a
 * local disk and the target's lists it once the config has moved.
 */
import type { EngineCore } from '../../engine/engine-core.js';
import { authId, type HandlerContext, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { Guest, GuestType } from '../../state/cluster-state.js';
import { configDisks } from '../../state/guest-disks.js';
import { type StorageRecord, storageOf } from '../../state/storage-state.js';
import { TaskFailure } from '../../state/tasks.js';
import { formatOfName } from '../../state/volume-names.js';
import { newVolid, storageVolumes } from '../storage/volumes.js';
import { assertUnlocked, findGuest, yes } from './common.js';
import { isCdrom, isCloudinit, isDriveKey, parseDrive } from './drives.js';
import {
  lxcMountpoints,
  lxcPrepareProblem,
  lxcVolumeProblem,
  mountpointType,
  qemuScanProblem,
  qemuVolumeProblem,
} from './migrate-checks.js';

/** Where a volume was found, in the order QemuMigrate.pm scan_local_volumes lets one win. */
type Ref = 'pending' | 'snapshot' | 'unused' | 'attached' | 'generated';
const RANK: Record<Ref, number> = { pending: 0, snapshot: 1, unused: 2, attached: 3, generated: 4 };

interface Found {
  ref: Ref;
  /** A CD-ROM drive's image: an ISO, or the cloud-init drive (which migrates). */
  cdrom?: 'iso' | 'cloudinit';
}

interface LocalVolume {
  volid: string;
  ref: Ref;
  targetsid: string;
}

/** PVE::JSONSchema parse_idmap + map_id: `src:dst` entries, one bare default, `1` for identity. */
export function mapStorage(map: string | undefined, sid: string): string {
  if (map === undefined) return sid;
  let fallback: string | undefined;
  for (const entry of map.split(/[,;\s]+/).filter((e) => e !== '')) {
    const pair = /^([^:]+):([^:]+)$/.exec(entry);
    if (pair) {
      if (pair[1] === sid) return pair[2]!;
    } else if (entry !== '1') fallback = entry;
  }
  return fallback ?? sid;
}

/** The CD-ROM drives of a VM's config record: `cdrom` (the host's drive) or an image's volume id. */
function cdromVolids(config: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!isDriveKey('qemu', key) || key.startsWith('unused')) continue;
    const drive = parseDrive('qemu', key, value);
    if (isCdrom(drive) && drive.file !== undefined && drive.file !== 'none') out.push(drive.file);
  }
  return out;
}

/** A VM drive's path (`/dev/sdb`) that is not marked `shared`: test_volid's "local file/device". */
function localPaths(guest: Guest): string[] {
  if (guest.type !== 'qemu') return [];
  const out = new Set<string>();
  const records = [guest.config, guest.pending, ...[...guest.snapshots.values()].map((s) => s.config)];
  for (const config of records) {
    for (const [key, value] of Object.entries(config)) {
      if (!isDriveKey('qemu', key) || !value.startsWith('/')) continue;
      const drive = parseDrive('qemu', key, value);
      if (drive.shared !== '1' && drive.file !== undefined) out.add(drive.file);
    }
  }
  return [...out];
}

/**
 * Each volume on a storage that is not shared, with the config that names it (foreach_volid
 * over the config, pending and snapshots); `cdromDrive` when a drive is the host's CD-ROM.
 */
function localVolumes(core: EngineCore, guest: Guest): { found: Map<string, Found>; cdromDrive: boolean } {
  const found = new Map<string, Found>();
  let cdromDrive = false;
  const note = (volid: string, ref: Ref, cdrom?: Found['cdrom']) => {
    const sid = storageOf(volid);
    const storage = sid === undefined ? undefined : core.storage.storages.get(sid);
    if (storage === undefined || storage.shared) return;
    const before = found.get(volid);
    const kind = cdrom ?? before?.cdrom;
    const best = before === undefined || RANK[ref] > RANK[before.ref] ? ref : before.ref;
    found.set(volid, kind === undefined ? { ref: best } : { ref: best, cdrom: kind });
  };
  const noteCdroms = (config: Readonly<Record<string, string>>, ref: Ref) => {
    if (guest.type !== 'qemu') return;
    for (const volid of cdromVolids(config)) {
      if (volid === 'cdrom') cdromDrive = true;
      else if (isCloudinit({ file: volid })) note(volid, 'generated', 'cloudinit');
      else note(volid, ref, 'iso');
    }
  };
  for (const disk of configDisks(guest.pending)) note(disk.volid, 'pending');
  noteCdroms(guest.pending, 'pending');
  for (const snapshot of guest.snapshots.values()) {
    for (const disk of configDisks(snapshot.config)) note(disk.volid, 'snapshot');
    noteCdroms(snapshot.config, 'snapshot');
  }
  for (const disk of configDisks(guest.config)) note(disk.volid, disk.unused ? 'unused' : 'attached');
  noteCdroms(guest.config, 'attached');
  return { found, cdromDrive };
}

/** QemuMigrate.pm target_storage_check_available / PVE::Storage storage_check_enabled. */
function targetProblem(
  core: EngineCore,
  guest: Guest,
  volid: string,
  targetsid: string,
  node: string,
  iso: boolean,
) {
  const storage = core.storage.storages.get(targetsid);
  if (storage === undefined) return `storage '${targetsid}' does not exist`;
  if (!core.storage.availableOn(storage, node))
    return `storage '${targetsid}' is not available on node '${node}'`;
  const content = iso ? 'iso' : guest.type === 'qemu' ? 'images' : 'rootdir';
  if (!storage.content.includes(content))
    return `${volid}: content type '${content}' is not available on storage '${targetsid}'`;
  return undefined;
}

/**
 * The volume's id on the target (PVE::Storage storage_migrate): the same name on a storage of
 * the same type, else the name the target's type gives it; another free name when the target
 * has one by that name already, or got one from this migration (`allow_rename`).
 */
function targetVolid(
  core: EngineCore,
  guest: Guest,
  volid: string,
  target: StorageRecord,
  node: string,
  imported: readonly string[],
): string {
  const source = core.storage.storages.get(storageOf(volid)!)!;
  const volname = volid.slice(volid.indexOf(':') + 1);
  const format = formatOfName(volname);
  const image = volname.slice(volname.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  const name =
    source.type === target.type
      ? volname
      : target.path === undefined
        ? image
        : `${guest.vmid}/${image}.${format}`;
  const wanted = `${target.storage}:${name}`;
  const taken =
    imported.includes(wanted) || storageVolumes(core, node, target).some((v) => v.volid === wanted);
  return taken ? newVolid(core, node, target, guest.vmid, format, imported) : wanted;
}

/** PVE::AbstractConfig update_volume_ids: every config record, and the sizes kept by volume id. */
function renameVolumes(guest: Guest, moved: ReadonlyMap<string, string>): void {
  const rename = (config: Record<string, string>) => {
    for (const [key, value] of Object.entries(config)) {
      const volid = value.split(',', 1)[0] ?? '';
      const to = moved.get(volid);
      if (to !== undefined && to !== volid) config[key] = to + value.slice(volid.length);
    }
  };
  rename(guest.config);
  rename(guest.pending);
  for (const snapshot of guest.snapshots.values()) rename(snapshot.config);
  for (const [from, to] of moved) {
    const size = guest.volumeSizes?.get(from);
    if (size === undefined || from === to) continue;
    guest.volumeSizes!.delete(from);
    guest.volumeSizes!.set(to, size);
  }
}

const duration = (ms: number) => {
  const s = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
};

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The scan's log lines and its refusals, per volume (QemuMigrate.pm scan_local_volumes, LXC/Migrate.pm phase1). */
function scan(core: EngineCore, guest: Guest, node: string, map: string | undefined, live: boolean) {
  const qemu = guest.type === 'qemu';
  const volumes: LocalVolume[] = [];
  const lines: string[] = [];
  const errors: string[] = [];
  const { found, cdromDrive } = localVolumes(core, guest);
  // test_mp: a shared bind or device mount point of the current config is passed over.
  if (!qemu)
    for (const [key, mp] of lxcMountpoints(guest.config)) {
      const type = mountpointType(mp.volume ?? '');
      if (type !== 'volume') lines.push(`ignoring shared '${type}' mount point '${key}' ('${mp.volume}')`);
    }
  const paths = localPaths(guest);
  for (const volid of [...paths, ...found.keys()].sort(byteOrder)) {
    if (paths.includes(volid)) {
      lines.push(`found local disk '${volid}'`);
      errors.push(`can't migrate local disk '${volid}': local file/device`);
      continue;
    }
    const { ref, cdrom } = found.get(volid)!;
    const targetsid = mapStorage(map, storageOf(volid)!);
    const problem =
      targetProblem(core, guest, volid, targetsid, node, cdrom === 'iso') ??
      // test_volid: an ISO on a local storage stays there, and so would the VM's drive.
      (cdrom === 'iso' ? 'local cdrom image' : undefined) ??
      (cdrom === 'cloudinit'
        ? undefined
        : qemu
          ? qemuVolumeProblem(core, guest, volid)
          : lxcVolumeProblem(core, volid));
    // The live check runs after test_volid and replaces its message (one per volume).
    const liveProblem =
      live && ref === 'attached'
        ? "can't live migrate attached local disks without with-local-disks option"
        : undefined;
    lines.push(foundLine(qemu, volid, ref));
    const why = liveProblem ?? problem;
    if (why !== undefined) errors.push(`can't migrate local ${qemu ? 'disk' : 'volume'} '${volid}': ${why}`);
    volumes.push({ volid, ref, targetsid });
  }
  if (cdromDrive) errors.push("can't migrate local cdrom drive");
  const after =
    qemu && errors.length === 0
      ? qemuScanProblem(
          core,
          volumes.map((v) => v.volid),
        )
      : undefined;
  return { volumes, lines, errors, after };
}

function foundLine(qemu: boolean, volid: string, ref: Ref): string {
  if (!qemu)
    return `found local volume '${volid}'${ref === 'snapshot' ? ' (referenced by snapshot(s))' : ' (in current VM config)'}`;
  if (ref === 'generated') return `found generated disk '${volid}' (in current VM config)`;
  const why = {
    attached: 'attached',
    unused: 'unused',
    pending: 'pending change',
    snapshot: 'referenced by snapshot(s)',
  };
  return `found local disk '${volid}' (${why[ref]})`;
}

export function migrateGuest(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const { core } = ctx;
    const guest = findGuest(ctx, type);
    const node = str(ctx.params.target) ?? '';
    if (!core.cluster.nodes.has(node)) throw new SimError(500, `no such cluster node '${node}'`);
    if (node === guest.node) throw new SimError(500, 'target is local node.');
    assertUnlocked(guest);
    const online = yes(ctx.params.online) || yes(ctx.params.restart);
    if (guest.status !== 'stopped' && !online) {
      throw new SimError(
        500,
        type === 'qemu'
          ? "can't migrate running VM without --online"
          : "lxc live migration is currently not implemented - use 'restart' mode",
      );
    }
    guest.lock = 'migrate';
    const label = type === 'qemu' ? `VM ${guest.vmid}` : `CT ${guest.vmid}`;
    const address = `192.0.2.${11 + [...core.cluster.nodes.keys()].indexOf(node)}`;
    const map = str(ctx.params[type === 'qemu' ? 'targetstorage' : 'target-storage']);
    const live = type === 'qemu' && guest.status !== 'stopped' && !yes(ctx.params['with-local-disks']);
    const prepared =
      type === 'lxc'
        ? lxcPrepareProblem(
            core,
            guest,
            (sid) => mapStorage(map, sid),
            (volid, targetsid) => targetProblem(core, guest, volid, targetsid, node, false),
          )
        : undefined;
    const found = scan(core, guest, node, map, live);
    const started = core.clock.now();
    const log =
      prepared === undefined
        ? [`starting migration of ${label} to node '${node}' (${address})`, ...found.lines, ...found.errors]
        : [];
    // The duration the log reports is the task's own (it settles lazily, at the next request).
    let endAt: number | undefined;
    const task = core.tasks.start({
      node: guest.node,
      type: type === 'qemu' ? 'qmigrate' : 'vzmigrate',
      id: String(guest.vmid),
      user: authId(ctx.subject),
      log,
      work: () => {
        delete guest.lock;
        const took = duration((endAt ?? core.clock.now()) - started);
        // LXC/Migrate.pm prepare died: AbstractMigrate.pm migrate logs it, no phase1 ran.
        if (prepared !== undefined)
          throw new TaskFailure('migration aborted', [
            `ERROR: migration aborted (duration ${took}): ${prepared}`,
          ]);
        if (found.errors.length > 0 || found.after !== undefined) {
          const why =
            type === 'qemu'
              ? `Problem found while scanning volumes - ${found.after ?? "can't migrate VM - check log"}`
              : "can't migrate CT - check log";
          throw new TaskFailure('migration aborted', [
            `ERROR: ${why}`,
            'aborting phase 1 - cleanup resources',
            `ERROR: migration aborted (duration ${took}): ${why}`,
          ]);
        }
        const moved = new Map<string, string>();
        const lines: string[] = [];
        // Offline copies go first (sync_offline_local_volumes); a running VM's attached disks
        // follow it by NBD mirror, and keep their place in this log short.
        const offline = found.volumes.filter(
          (v) => type === 'lxc' || guest.status === 'stopped' || v.ref !== 'attached',
        );
        if (type === 'qemu' && offline.length > 0) lines.push('copying local disk images');
        for (const volume of found.volumes) {
          const target = core.storage.storages.get(volume.targetsid)!;
          const to = targetVolid(core, guest, volume.volid, target, node, [...moved.values()]);
          moved.set(volume.volid, to);
          if (offline.includes(volume)) lines.push(`successfully imported '${to}'`);
          lines.push(`volume '${volume.volid}' is '${to}' on the target`);
        }
        renameVolumes(guest, moved);
        guest.node = node;
        return [...lines, `migration finished successfully (duration ${took})`];
      },
    });
    endAt = task.endAt;
    return task.upid;
  };
}

export function migratePreconditions(type: GuestType) {
  return (ctx: HandlerContext): unknown => {
    const guest = findGuest(ctx, type);
    const others = [...ctx.core.cluster.nodes.keys()].filter((n) => n !== guest.node);
    return {
      running: guest.status === 'stopped' ? 0 : 1,
      allowed_nodes: others,
      not_allowed_nodes: {},
      local_disks: [],
      local_resources: [],
      'mapped-resources': [],
      'mapped-resource-info': {},
      'has-dbus-vmstate': 0,
    };
  };
}
