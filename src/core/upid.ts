/**
 * UPIDs: the ids of Proxmox tasks (PROTOCOL.md "Responses").
 *
 * - PVE and PMG: `UPID:node:PID:PSTART:STARTTIME:type:id:user@realm:`
 * - PBS and PDM add a task-id field after PSTART:
 *   `UPID:node:PID:PSTART:TASKID:STARTTIME:type:id:user@realm:`
 * - PDM names tasks of remotes as `remote!UPID:...`; the remote is kept apart.
 *
 * PID, PSTART, TASKID and STARTTIME are hex. The worker id may be empty, and PBS escapes
 * `:` inside it (systemd style, `\x3a`), which is why plain splitting on `:` is safe.
 */
import { InvalidArgumentError } from './errors.js';

export interface Upid {
  /** The UPID as given (with a `remote!` prefix, if any). */
  readonly upid: string;
  /** PDM only: the remote that runs the task. */
  readonly remote?: string;
  /** The node that runs the task: status and log are read from it. */
  readonly node: string;
  readonly pid: number;
  /** Process start time in clock ticks since boot (identifies the worker with the PID). */
  readonly pstart: number;
  /** PBS and PDM only: the per-node task counter. */
  readonly taskId?: number;
  /** Seconds since the epoch. */
  readonly starttime: number;
  /** `starttime` as a Date. */
  readonly startDate: Date;
  /** Worker type, e.g. `qmstart`, `vzdump`, `imgcopy`, `garbage_collection`. */
  readonly type: string;
  /** Worker id (often the VMID or the storage), possibly empty. */
  readonly id: string;
  /** `user@realm` or `user@realm!token` that started the task. */
  readonly user: string;
  /** Which layout it had. */
  readonly format: 'pve' | 'pbs';
}

const NODE = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const HEX8 = /^[0-9A-Fa-f]{8}$/;
const HEX_PSTART = /^[0-9A-Fa-f]{8,9}$/;
const HEX_TASKID = /^[0-9A-Fa-f]{8,16}$/;
const WORD = /^[^\s:]+$/;
const MAYBE_WORD = /^[^\s:]*$/;

function invalid(upid: unknown, why: string): InvalidArgumentError {
  const shown =
    typeof upid === 'string' ? `'${upid.length > 200 ? `${upid.slice(0, 200)}...` : upid}'` : typeof upid;
  return new InvalidArgumentError(
    `not a UPID (${why}): ${shown}; expected UPID:node:PID:PSTART:STARTTIME:type:id:user@realm: ` +
      '(PBS/PDM: with a task id after PSTART)',
  );
}

/** Parses a UPID of any Proxmox product; throws InvalidArgumentError for anything else. */
export function parseUpid(upid: string): Upid {
  if (typeof upid !== 'string') throw invalid(upid, 'not a string');
  let text = upid.trim();
  let remote: string | undefined;
  const bang = text.indexOf('!UPID:');
  if (bang > 0) {
    remote = text.slice(0, bang);
    text = text.slice(bang + 1);
    if (!WORD.test(remote)) throw invalid(upid, 'bad remote name');
  }
  if (!text.startsWith('UPID:')) throw invalid(upid, 'it does not start with UPID:');
  if (!text.endsWith(':')) throw invalid(upid, 'it does not end with a colon');
  const parts = text.slice('UPID:'.length, -1).split(':');
  let pbs: boolean;
  if (parts.length === 7) pbs = false;
  else if (parts.length === 8) pbs = true;
  else throw invalid(upid, `${parts.length} fields, expected 7 (PVE/PMG) or 8 (PBS/PDM)`);
  const [node, pid, pstart, ...rest] = parts as [string, string, string, ...string[]];
  const taskId = pbs ? rest.shift()! : undefined;
  const [starttime, type, id, user] = rest as [string, string, string, string];
  if (!NODE.test(node)) throw invalid(upid, 'bad node name');
  if (!HEX8.test(pid)) throw invalid(upid, 'PID is not 8 hex digits');
  if (!HEX_PSTART.test(pstart)) throw invalid(upid, 'PSTART is not 8 or 9 hex digits');
  if (taskId !== undefined && !HEX_TASKID.test(taskId)) throw invalid(upid, 'task id is not hex');
  if (!HEX8.test(starttime)) throw invalid(upid, 'STARTTIME is not 8 hex digits');
  if (!WORD.test(type)) throw invalid(upid, 'empty worker type');
  if (!MAYBE_WORD.test(id)) throw invalid(upid, 'bad worker id');
  if (!WORD.test(user) || !user.includes('@')) throw invalid(upid, 'bad user');
  const start = Number.parseInt(starttime, 16);
  return {
    upid,
    ...(remote === undefined ? {} : { remote }),
    node,
    pid: Number.parseInt(pid, 16),
    pstart: Number.parseInt(pstart, 16),
    ...(taskId === undefined ? {} : { taskId: Number.parseInt(taskId, 16) }),
    starttime: start,
    startDate: new Date(start * 1000),
    type,
    id,
    user,
    format: pbs ? 'pbs' : 'pve',
  };
}

/** Whether a value looks like a UPID (a task-starting call's answer). */
export function isUpid(value: unknown): value is string {
  if (typeof value !== 'string' || !/^(?:[^\s:!]+!)?UPID:/.test(value)) return false;
  try {
    parseUpid(value);
    return true;
  } catch {
    return false;
  }
}
