/**
 * `proxmox-sdk/simulator`: a Proxmox VE/PBS/PMG/PDM API simulator, in process
 * (`SimulatorEngine.handle`) or over HTTPS (`startSimulator`).
 */
export type { SimClock } from './engine/clock.js';
export { OffsetClock } from './engine/clock.js';
export { type CallResult, SimulatorEngine } from './engine/engine.js';
export type { FaultCounters, SimStats } from './engine/stats.js';
export type {
  EngineOptions,
  FaultOptions,
  SimAccount,
  SimParams,
  SimRequest,
  SimResponse,
  SimToken,
} from './engine/types.js';
export {
  type RunningSimulator,
  type SimulatorOptions,
  type SimulatorUser,
  startSimulator,
} from './server/server.js';
export { DEMO_TOTP_SECRET } from './state/datasets.js';
