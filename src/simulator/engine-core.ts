/** The state of one simulated product that every handler works on. */
import type { ServiceName } from '../services.js';
import type { AccessState } from './access-state.js';
import type { SimClock } from './clock.js';
import type { ClusterState } from './cluster-state.js';
import type { FirewallState } from './firewall-state.js';
import type { GenericStore } from './generic-store.js';
import type { HaState } from './ha-state.js';
import type { Datastore } from './pbs-state.js';
import type { PmgState } from './pmg-state.js';
import type { SdnState } from './sdn-state.js';
import type { SimStats } from './stats.js';
import type { StorageState } from './storage-state.js';
import type { TaskManager } from './tasks.js';
import type { TicketSigner } from './tickets.js';

export interface EngineCore {
  readonly service: ServiceName;
  readonly clock: SimClock;
  readonly access: AccessState;
  readonly cluster: ClusterState;
  readonly tasks: TaskManager;
  readonly signer: TicketSigner;
  readonly stats: SimStats;
  /** The node that answers when a path has none (the host the client talks to). */
  readonly localNode: string;
  readonly loginFailureDelayMs: number;
  readonly generic: GenericStore;
  readonly storage: StorageState;
  /** PBS datastores (empty on the other products). */
  readonly datastores: Map<string, Datastore>;
  /** PMG quarantine and rule database (empty on the other products). */
  readonly pmg: PmgState;
  /** PVE firewall, HA and SDN configuration (empty on the other products and at start). */
  readonly firewall: FirewallState;
  readonly ha: HaState;
  readonly sdn: SdnState;
}
