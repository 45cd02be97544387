/** `/nodes/{node}/tasks`: task lists, status, log, stop. */
import { hasPrivileges } from '../../access/acl.js';
import { authId, type HandlerContext, type HandlerTable, Reply, str } from '../../engine/handler.js';
import { SimError } from '../../engine/sim-error.js';
import type { TaskRecord } from '../../state/tasks.js';

function findTask(ctx: HandlerContext): TaskRecord {
  const upid = str(ctx.params.upid) ?? '';
  const task = ctx.core.tasks.tasks.get(upid);
  // PBS reads the node from the UPID and never looks at {node} (proxmox-backup
  // src/api2/node/tasks.rs get_task_status/read_task_log: extract_upid); its own client
  // sends `localhost`. PVE routes by the node in the path.
  const nodeMatches = ctx.service === 'PBS' || task?.node === str(ctx.params.node);
  if (!task || !nodeMatches) {
    if (!/^UPID:/.test(upid))
      throw new SimError(400, 'Parameter verification failed.', { upid: 'unable to parse worker upid' });
    throw new SimError(500, `no such task`);
  }
  // Everyone sees their own tasks; other people's need Sys.Audit on the node.
  const subject = ctx.subject;
  if (subject && task.user !== authId(subject) && !task.user.startsWith(`${subject.userid}!`)) {
    // PBS: Sys.Audit on /system/tasks, refused as a plain error, which proxmox-rest-server
    // answers 400 (tasks.rs check_task_access: bail!("task access not allowed")).
    if (ctx.service === 'PBS') {
      if (!hasPrivileges(ctx.core.access, subject, '/system/tasks', ['Sys.Audit']))
        throw new SimError(400, 'task access not allowed');
      return task;
    }
    if (!hasPrivileges(ctx.core.access, subject, `/nodes/${task.node}`, ['Sys.Audit'])) {
      throw new SimError(403, `Permission check failed (/nodes/${task.node}, Sys.Audit)`);
    }
  }
  return task;
}

/** The Rust servers name the token apart from its user (`user` + `tokenid`). */
function splitUser(ctx: HandlerContext, item: Record<string, unknown>, task: TaskRecord): void {
  if (ctx.service !== 'PBS' && ctx.service !== 'PDM') return;
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
  const task = findTask(ctx);
  const item = taskItem(task);
  splitUser(ctx, item, task);
  return item;
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
  const task = findTask(ctx);
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
  ctx.core.tasks.abort(findTask(ctx));
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
  const all = [...ctx.core.tasks.tasks.values()]
    // PBS lists the server's own tasks whatever {node} says (tasks.rs list_tasks).
    .filter((t) => ctx.service === 'PBS' || t.node === node)
    .filter((t) => vmid === undefined || t.id === vmid)
    .filter((t) => type === undefined || t.type === type)
    .filter((t) => user === undefined || t.user.includes(user))
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
    if (ctx.service === 'PBS' || ctx.service === 'PDM') {
      item.worker_type = t.type;
      item.worker_id = t.id;
      delete item.type;
      delete item.id;
    }
    return item;
  });
  return new Reply(items, { total: all.length });
}

export const taskHandlers: HandlerTable = {
  'GET /nodes/{node}/tasks': list,
  'GET /nodes/{node}/tasks/{upid}': (ctx) =>
    [{ name: 'log' }, { name: 'status' }].map((x) => ({ ...x, upid: ctx.params.upid })),
  'GET /nodes/{node}/tasks/{upid}/status': status,
  'GET /nodes/{node}/tasks/{upid}/log': log,
  'DELETE /nodes/{node}/tasks/{upid}': stop,
};
