/**
 * Long operations answer at once with a UPID and run as tasks. A task is `running` until
 * the simulator clock passes its end, then its work runs and it is `stopped` with
 * `exitstatus` `OK` or the error text. Tasks settle lazily on every request, so a clock
 * jump finishes them at once and nothing needs timers.
 */
import { SERVICES, type ServiceName } from '../../core/services.js';
import type { SimClock } from '../engine/clock.js';

export interface TaskRecord {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
  endtime?: number;
  log: string[];
  endAt: number;
  work?: () => string[] | undefined;
}

export interface TaskSpec {
  node: string;
  type: string;
  id: string;
  /** `user@realm`, or `user@realm!token` for a token. */
  user: string;
  /** Runs when the task finishes; a thrown error becomes the exit status. May return log lines. */
  work?: () => string[] | undefined;
  log?: string[];
  durationMs?: number;
}

/** A worker's failure with the lines it logged before it died (they precede `TASK ERROR`). */
export class TaskFailure extends Error {
  constructor(
    message: string,
    readonly lines: readonly string[],
  ) {
    super(message);
  }
}

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

export class TaskManager {
  readonly tasks = new Map<string, TaskRecord>();
  #running: TaskRecord[] = [];
  #pid = 0x1000;
  #taskId = 0;
  readonly #pstart = 0x2a3b4c;

  constructor(
    private readonly service: ServiceName,
    private readonly clock: SimClock,
    private readonly durationMs: number,
  ) {}

  start(spec: TaskSpec): TaskRecord {
    const now = this.clock.now();
    const pid = this.#pid++;
    const starttime = Math.floor(now / 1000);
    const head = `UPID:${spec.node}:${hex8(pid)}:${hex8(this.#pstart)}:`;
    const taskId = SERVICES[this.service].upidHasTaskId ? `${hex8(this.#taskId++)}:` : '';
    const upid = `${head}${taskId}${hex8(starttime)}:${spec.type}:${spec.id}:${spec.user}:`;
    const task: TaskRecord = {
      upid,
      node: spec.node,
      pid,
      pstart: this.#pstart,
      starttime,
      type: spec.type,
      id: spec.id,
      user: spec.user,
      status: 'running',
      log: [...(spec.log ?? [])],
      endAt: now + (spec.durationMs ?? this.durationMs),
    };
    if (spec.work) task.work = spec.work;
    this.tasks.set(upid, task);
    this.#running.push(task);
    this.settle();
    return task;
  }

  /** Finishes every task whose time is up. */
  settle(): void {
    if (this.#running.length === 0) return;
    const now = this.clock.now();
    const still: TaskRecord[] = [];
    for (const task of this.#running) {
      if (task.endAt <= now) this.#finish(task, now);
      else still.push(task);
    }
    this.#running = still;
  }

  #finish(task: TaskRecord, now: number): void {
    try {
      const lines = task.work?.();
      if (lines) task.log.push(...lines);
      task.exitstatus = 'OK';
      task.log.push('TASK OK');
    } catch (error) {
      if (error instanceof TaskFailure) task.log.push(...error.lines);
      const text = (error instanceof Error ? error.message : String(error)).trim();
      task.exitstatus = text;
      task.log.push(`TASK ERROR: ${text}`);
    }
    task.status = 'stopped';
    task.endtime = Math.floor(now / 1000);
  }

  /** Stops a running task as if its worker was killed. */
  abort(task: TaskRecord): void {
    if (task.status !== 'running') return;
    this.#running = this.#running.filter((t) => t !== task);
    task.status = 'stopped';
    task.exitstatus = 'unexpected status';
    task.endtime = Math.floor(this.clock.now() / 1000);
    task.log.push('TASK ERROR: received interrupt');
  }
}
