/**
 * Start, stop and shutdown that end in the state asked for, and the waits behind them.
 * A shutdown is a request to the guest OS (ACPI for QEMU, the init system for LXC), which
 * may ignore it; the fallback is a hard stop. For QEMU the stop says `overrule-shutdown`,
 * which aborts the hanging `qmshutdown` task first (qemu-server PVE/API2/Qemu.pm vm_stop);
 * a paused VM refuses a shutdown outright ("VM is paused - cannot shutdown", vm_shutdown).
 */
import { isResourceException, isTaskFailedError, isTimeoutError } from '../core/errors.js';
import { type Params, signalOf, type WorkflowClient, type WorkflowOptions } from './client.js';
import type { Guest } from './guest.js';
import { type PollOptions, pollUntil } from './poll.js';

export type PowerState = 'running' | 'stopped' | 'paused';

/** What a power call did: `changed` is false when the guest was in that state already. */
export interface PowerResult {
  vmid: number;
  changed: boolean;
  /** A shutdown that was ended by a hard stop. */
  forced: boolean;
  /** The UPIDs of the tasks that ran, in order. */
  tasks: string[];
}

export interface StartOptions extends WorkflowOptions {
  /** Also wait until the QEMU guest agent answers. @default false */
  waitForAgent?: boolean;
  /** Milliseconds for the whole start (task and agent). @default 300000 */
  timeout?: number;
}

export interface ShutdownOptions extends WorkflowOptions {
  /** Milliseconds the guest gets to shut down by itself. @default 60000 */
  timeout?: number;
  /** When the guest does not stop in time (or refuses), stop it hard. @default true */
  force?: boolean;
}

export interface StopOptions extends WorkflowOptions {
  /** Milliseconds for the stop task. @default 300000 */
  timeout?: number;
}

const params = (g: Guest, extra: Params = {}): Params => ({
  node: g.node,
  type: g.type,
  vmid: g.vmid,
  ...extra,
});

/** The guest's current state (`GET .../status/current`): `status`, and `qmpstatus` for QEMU. */
export async function currentState(c: WorkflowClient, g: Guest, options: WorkflowOptions = {}) {
  const s = await c.call<{ status: string; qmpstatus?: string }>(
    'GET /nodes/{node}/{type}/{vmid}/status/current',
    params(g),
    options,
  );
  // qmpstatus tells a paused VM from a running one; status says "running" for both.
  return (s.qmpstatus === 'paused' || s.qmpstatus === 'suspended' ? 'paused' : s.status) as PowerState;
}

export async function startGuest(
  c: WorkflowClient,
  g: Guest,
  options: StartOptions = {},
): Promise<PowerResult> {
  const result: PowerResult = { vmid: g.vmid, changed: false, forced: false, tasks: [] };
  const started = Date.now();
  if ((await currentState(c, g, options)) !== 'running') {
    const upid = await c.call<string>('POST /nodes/{node}/{type}/{vmid}/status/start', params(g), options);
    result.tasks.push(upid);
    await c.wait(upid, withTimeout(options, options.timeout));
    result.changed = true;
  }
  if (options.waitForAgent) {
    const left = options.timeout === undefined ? undefined : options.timeout - (Date.now() - started);
    await waitForAgent(c, g, withTimeout(options, left));
  }
  return result;
}

export async function stopGuest(
  c: WorkflowClient,
  g: Guest,
  options: StopOptions = {},
): Promise<PowerResult> {
  const result: PowerResult = { vmid: g.vmid, changed: false, forced: false, tasks: [] };
  if ((await currentState(c, g, options)) === 'stopped') return result;
  const upid = await hardStop(c, g, options);
  result.tasks.push(upid);
  await c.wait(upid, withTimeout(options, options.timeout));
  result.changed = true;
  return result;
}

export async function shutdownGuest(
  c: WorkflowClient,
  g: Guest,
  options: ShutdownOptions = {},
): Promise<PowerResult> {
  const result: PowerResult = { vmid: g.vmid, changed: false, forced: false, tasks: [] };
  if ((await currentState(c, g, options)) === 'stopped') return result;
  const timeout = options.timeout ?? 60_000;
  try {
    // The server's own timeout (seconds) ends its task; ours bounds the wait if it does not.
    const upid = await c.call<string>(
      'POST /nodes/{node}/{type}/{vmid}/status/shutdown',
      params(g, { timeout: Math.max(1, Math.ceil(timeout / 1000)) }),
      options,
    );
    result.tasks.push(upid);
    await c.wait(upid, withTimeout(options, timeout));
  } catch (error) {
    const refused = isTaskFailedError(error) || isTimeoutError(error) || isResourceException(error);
    if (options.force === false || !refused || options.signal?.aborted) throw error;
    result.forced = true;
    const upid = await hardStop(c, g, options);
    result.tasks.push(upid);
    await c.wait(upid, signalOf(options));
  }
  result.changed = true;
  return result;
}

function hardStop(c: WorkflowClient, g: Guest, options: WorkflowOptions): Promise<string> {
  const extra: Params = g.type === 'qemu' ? { 'overrule-shutdown': 1 } : {};
  return c.call<string>('POST /nodes/{node}/{type}/{vmid}/status/stop', params(g, extra), options);
}

/** Waits until the guest is in `state` (polling `status/current`). */
export async function waitForState(
  c: WorkflowClient,
  g: Guest,
  state: PowerState,
  options: PollOptions = {},
): Promise<void> {
  await pollUntil(
    `guest ${g.vmid} to be ${state}`,
    async (signal) => ((await currentState(c, g, { signal })) === state ? true : undefined),
    options,
  );
}

/**
 * Waits until the QEMU guest agent answers `ping`. Until the agent runs, PVE answers 500
 * ("QEMU guest agent is not running", or "VM n is not running"): those mean "not yet"; "No QEMU
 * guest agent configured" (qemu-server PVE/QemuServer/Agent.pm assert_agent_available) is final.
 */
export async function waitForAgent(c: WorkflowClient, g: Guest, options: PollOptions = {}): Promise<void> {
  await pollUntil(
    `the guest agent of ${g.vmid}`,
    async (signal) => {
      try {
        await c.call('POST /nodes/{node}/qemu/{vmid}/agent/ping', g.ids, { signal });
        return true;
      } catch (error) {
        if (
          isResourceException(error) &&
          error.statusCode === 500 &&
          !/no qemu guest agent configured/i.test(error.message)
        )
          return undefined;
        throw error;
      }
    },
    options,
  );
}

function withTimeout(options: WorkflowOptions, timeout: number | undefined): PollOptions {
  return { ...signalOf(options), ...(timeout === undefined ? {} : { timeout: Math.max(1, timeout) }) };
}
