/**
 * `proxmox-sdk/simulator`: a Proxmox VE/PBS/PMG/PDM API simulator, in process
 * (`SimulatorEngine.handle`) or over HTTPS (`startSimulator`).
 */
export type { SimClock } from './clock.js';
export { OffsetClock } from './clock.js';
export { DEMO_TOTP_SECRET } from './datasets.js';
export { type CallResult, SimulatorEngine } from './engine.js';
export {
  type RunningSimulator,
  type SimulatorOptions,
  type SimulatorUser,
  startSimulator,
} from './server.js';
export type { FaultCounters, SimStats } from './stats.js';
export type {
  EngineOptions,
  FaultOptions,
  SimAccount,
  SimParams,
  SimRequest,
  SimResponse,
  SimToken,
} from './types.js';
