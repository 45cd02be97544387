/**
 * Which methods answer with a task id (UPID). No schema flag says so; the facts are:
 * - PBS/PDM: the return schema's pattern starts with `^UPID:`; PDM's remote task ids
 *   (`remote!UPID:...`) carry no pattern, only a minimum length of 42;
 * - PVE/PMG: by convention a forking handler declares `returns => { type => 'string' }` and
 *   nothing else (no format, pattern or enum). A non-GET method with such a return is a task
 *   unless its return description (read here, never copied) shows it is some other string;
 *   NOT_TASKS lists the two bare-string methods that return something else.
 */
import type { HttpMethod } from './schema-model.js';
import type { RawMethod } from './types.js';

/** Bare `{type: 'string'}` returns that are not UPIDs (checked in pve-manager/qemu-server). */
const NOT_TASKS = new Set([
  'POST /cluster/sdn/lock', // the lock token
  'POST /nodes/{node}/qemu/{vmid}/monitor', // the monitor command's output
]);

export function taskKind(
  method: HttpMethod,
  path: string,
  raw: RawMethod,
): 'upid' | 'remote-upid' | undefined {
  const r = raw.returns;
  if (r?.type !== 'string') return undefined;
  if (typeof r.pattern === 'string') return /^\/?\^?UPID:/.test(r.pattern) ? 'upid' : undefined;
  if (r.minLength === 42 && r.format === undefined && r.enum === undefined) return 'remote-upid';
  if (r.format !== undefined || r.enum !== undefined || r.minLength !== undefined) return undefined;
  if (method === 'GET' || NOT_TASKS.has(`${method} ${path}`)) return undefined;
  const about = typeof r.description === 'string' ? r.description : '';
  return about === '' || /\b(upid|task)/i.test(about) ? 'upid' : undefined;
}
