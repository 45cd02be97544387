/** `/nodes/{node}/tasks`: task lists, status, log, stop. */
import { SERVICES } from '../../../core/services.js';
import { parseUpid, type Upid } from '../../../core/upid.js';
import { hasPrivileges, type Subject } from '../../access/acl.js';
import { perlPrivilegeDenial } from '../../access/permissions.js';
import { authId, type HandlerContext, type HandlerTable, Reply, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { TaskRecord } from '../../state/tasks.js';

/** pve-common src/PVE/UPID.pm decode: the exact shape PVE accepts. */
const PVE_UPID =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

interface TaskRef {
  /** The UPID's own user: both servers decide access by it, found or not. */
  user: string;
  node: string;
  /** Undefined for a UPID of the right shape that no task has. */
  task: TaskRecord | undefined;
}

/**
 * Decodes the path's UPID and looks its task up. A malformed one is a 400 on every product
 * (PVE API2/Tasks.pm "unable to parse worker upid"; PBS's UPID_SCHEMA pattern, checked
 * by the validator, and `parse::<UPID>` in tasks.rs extract_upid). What a well-formed
 * unknown one answers differs per method, so it is left to the callers.
 */
function lookupTask(ctx: HandlerContext): TaskRef {
  const text = str(ctx.params.upid) ?? '';
  let parsed: Upid | undefined;
  try {
    parsed = parseUpid(text);
  } catch {
    parsed = undefined;
  }
  const rust = !SERVICES[ctx.service].perlServer;
  if (!parsed || (!rust && !PVE_UPID.test(text)))
    throw new SimError(400, 'Parameter verification failed.', { upid: 'unable to parse worker upid' });
  const task = ctx.core.tasks.tasks.get(text);
  // PBS reads the node from the UPID and never looks at {node} (proxmox-backup
  // src/api2/node/tasks.rs get_task_status/read_task_log: extract_upid); its own client
  // sends `localhost`. PVE proxies to the path's node, which has no such task file.
  const found = task && (rust || task.node === str(ctx.params.node)) ? task : undefined;
  return { user: parsed.user, node: parsed.node, task: found };
}

/** PVE API2/Tasks.pm read_task_status / stop_task: `raise_param_exc({upid => "no such task"})`. */
function pveNoSuchTask(): SimError {
  return new SimError(400, 'Parameter verification failed.', { upid: 'no such task' });
}

/**
 * Everyone sees their own tasks (a token's tasks are its user's too); other people's need
 * a privilege: PVE Sys.Audit (Sys.Modify to stop) on the path's node (API2/Tasks.pm
 * $check_task_user), PBS the same on /system/tasks, refused as a plain error that
 * proxmox-rest-server answers 400 (tasks.rs check_task_access: "task access not allowed").
 */
function checkTaskAccess(ctx: HandlerContext, ref: TaskRef, priv: 'Sys.Audit' | 'Sys.Modify'): void {
  const subject = ctx.subject;
  if (!subject || ownsTask(subject, ref.user)) return;
  if (!SERVICES[ctx.service].perlServer) {
    if (hasPrivileges(ctx.core.access, subject, '/system/tasks', [priv])) return;
    if (priv === 'Sys.Modify') throw new SimError(403, 'permission check failed');
    throw new SimError(400, 'task access not allowed');
  }
  const node = str(ctx.params.node) ?? ref.node;
  const denial = perlPrivilegeDenial(ctx.core.access, subject, `/nodes/${node}`, [priv]);
  if (denial) throw new SimError(403, denial);
}

/**
 * Whose task it is: a user owns its own tasks and its tokens'; a token only its own
 * (PVE API2/Tasks.pm $check_task_user: "token only sees token tasks, user sees user + token
 * tasks"; proxmox-backup tasks.rs check_task_access the same).
 */
function ownsTask(subject: Subject, taskUser: string): boolean {
  if (taskUser === authId(subject)) return true;
  return subject.tokenid === undefined && taskUser.startsWith(`${subject.userid}!`);
}

/**
 * A token's task names the token apart from its user (`user` + `tokenid`): PVE's
 * $convert_token_task in read_task_status and for archived tasks in node_tasks, proxmox-backup
 * tasks.rs get_task_status.
 */
function splitUser(item: Record<string, unknown>, task: TaskRecord): void {
  const bang = task.user.indexOf('!');
  if (bang < 0) return;
  item.user = task.user.slice(0, bang);
  item.tokenid = task.user.slice(bang + 1);
}

function taskItem(task: TaskRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    user: task.user,
    status: task.status,
  };
  if (task.exitstatus !== undefined) item.exitstatus = task.exitstatus;
  return item;
}

function status(ctx: HandlerContext): unknown {
  const ref = lookupTask(ctx);
  const pve = SERVICES[ctx.service].perlServer;
  if (pve && !ref.task) throw pveNoSuchTask();
  checkTaskAccess(ctx, ref, 'Sys.Audit');
  // proxmox-backup tasks.rs get_task_status builds the answer from the UPID; a task that
  // left no status is "stopped" with exit status "unknown" (TaskState::Unknown).
  const task = ref.task ?? phantomTask(str(ctx.params.upid) ?? '');
  const item = taskItem(task);
  splitUser(item, task);
  return item;
}

function phantomTask(upid: string): TaskRecord {
  const u = parseUpid(upid);
  return {
    upid,
    node: u.node,
    pid: u.pid,
    pstart: u.pstart,
    starttime: u.starttime,
    type: u.type,
    id: u.id,
    user: u.user,
    status: 'stopped',
    exitstatus: 'unknown',
    log: [],
    endAt: 0,
  };
}

/**
 * Both servers read the whole log (`total` is its line count) and `limit=0` means "to the
 * end". They count `start` differently: PVE skips `start` lines (pve-common PVE/Tools.pm
 * dump_logfile_by_filehandle: `next if $count++ < $start`), PBS counts first and skips lines
 * numbered below `start`, so 0 and 1 both begin at line 1 (proxmox-backup
 * src/api2/node/tasks.rs read_task_log). PVE answers an empty log with one line
 * `no content` (an ExtJS workaround in dump_logfile_by_filehandle); PBS with none, and adds
 * `active` when asked for `test-status`.
 */
function log(ctx: HandlerContext): unknown {
  const ref = lookupTask(ctx);
  checkTaskAccess(ctx, ref, 'Sys.Audit');
  const task = ref.task;
  if (!task) {
    // PVE reads the file without checking it exists: pve-common PVE/Tools.pm dump_logfile
    // answers one line; PBS's File::open error is a plain error, a 400.
    if (!SERVICES[ctx.service].perlServer) throw new SimError(400, 'No such file or directory (os error 2)');
    return new Reply([{ n: 1, t: 'unable to open file - No such file or directory' }], { total: 1 });
  }
  const start = Number(str(ctx.params.start) ?? 0);
  const limit = Number(str(ctx.params.limit) ?? 50);
  const pbs = ctx.service === 'PBS';
  const from = pbs ? Math.max(start - 1, 0) : start;
  const lines = task.log
    .slice(from, limit === 0 ? undefined : from + limit)
    .map((t, i) => ({ n: from + i + 1, t }));
  if (pbs) {
    const extras: Record<string, unknown> = { total: task.log.length };
    if (/^(1|true|yes|on)$/i.test(str(ctx.params['test-status']) ?? ''))
      extras.active = task.status === 'running';
    return new Reply(lines, extras);
  }
  if (task.log.length === 0) return new Reply([{ n: 1, t: 'no content' }], { total: 1 });
  return new Reply(lines, { total: task.log.length });
}

function stop(ctx: HandlerContext): unknown {
  const ref = lookupTask(ctx);
  const pve = SERVICES[ctx.service].perlServer;
  if (pve && !ref.task) throw pveNoSuchTask();
  checkTaskAccess(ctx, ref, 'Sys.Modify');
  // PBS tasks.rs stop_task: abort_worker_nowait ignores a task it does not run.
  if (ref.task) ctx.core.tasks.abort(ref.task);
  return null;
}

function list(ctx: HandlerContext): unknown {
  const node = str(ctx.params.node);
  const start = Number(str(ctx.params.start) ?? 0);
  const limit = Number(str(ctx.params.limit) ?? 50);
  const vmid = str(ctx.params.vmid);
  const type = str(ctx.params.typefilter);
  const user = str(ctx.params.userfilter);
  const errorsOnly = str(ctx.params.errors) === '1';
  const source = str(ctx.params.source) ?? 'archive';
  const perl = SERVICES[ctx.service].perlServer;
  const seesAll = canListAll(ctx);
  const all = [...ctx.core.tasks.tasks.values()]
    // PBS lists the server's own tasks whatever {node} says (tasks.rs list_tasks).
    .filter((t) => ctx.service === 'PBS' || t.node === node)
    .filter((t) => seesAll || (ctx.subject !== undefined && ownsTask(ctx.subject, t.user)))
    .filter((t) => vmid === undefined || t.id === vmid)
    .filter((t) => type === undefined || t.type === type)
    // PVE matches `userfilter` case-insensitively (m/\Q...\E/i), PBS with `contains`.
    .filter(
      (t) =>
        user === undefined ||
        (perl ? t.user.toLowerCase().includes(user.toLowerCase()) : t.user.includes(user)),
    )
    .filter((t) => !errorsOnly || (t.exitstatus !== undefined && t.exitstatus !== 'OK'))
    .filter(
      (t) => source === 'all' || (source === 'active' ? t.status === 'running' : t.status === 'stopped'),
    )
    .reverse();
  const items = all.slice(start, start + limit).map((t) => {
    const item = taskItem(t);
    if (t.endtime !== undefined) item.endtime = t.endtime;
    if (t.exitstatus !== undefined) item.status = t.exitstatus;
    // PBS names every listed task's node `localhost` and keeps the whole auth id in `user`
    // (proxmox-backup src/api2/node/tasks.rs into_task_list_item); status splits it.
    if (ctx.service === 'PBS') item.node = 'localhost';
    // PVE converts token tasks read from the archive, not the active ones (node_tasks).
    if (perl && t.status === 'stopped') splitUser(item, t);
    if (!perl) {
      item.worker_type = t.type;
      item.worker_id = t.id;
      delete item.type;
      delete item.id;
    }
    return item;
  });
  return new Reply(items, { total: all.length });
}

/**
 * Who sees every task in a list rather than their own: PVE node_tasks `$auditor` (Sys.Audit
 * on /nodes/{node}); proxmox-backup tasks.rs list_tasks `list_all` (Sys.Audit on /system/tasks).
 */
function canListAll(ctx: HandlerContext): boolean {
  const subject = ctx.subject;
  // PMG's task list code is not in the sources read here; it keeps listing everything.
  if (!subject || ctx.service === 'PMG') return true;
  const path = SERVICES[ctx.service].perlServer ? `/nodes/${str(ctx.params.node) ?? ''}` : '/system/tasks';
  return hasPrivileges(ctx.core.access, subject, path, ['Sys.Audit']);
}

export const taskHandlers: HandlerTable = {
  'GET /nodes/{node}/tasks': list,
  'GET /nodes/{node}/tasks/{upid}': (ctx) =>
    [{ name: 'log' }, { name: 'status' }].map((x) => ({ ...x, upid: ctx.params.upid })),
  'GET /nodes/{node}/tasks/{upid}/status': status,
  'GET /nodes/{node}/tasks/{upid}/log': log,
  'DELETE /nodes/{node}/tasks/{upid}': stop,
};
