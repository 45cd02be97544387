/** The state of one simulated product that every handler works on. */
import type { ServiceName } from '../../core/services.js';
import type { TicketSigner } from '../access/tickets.js';
import type { AccessState } from '../state/access-state.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { FirewallState } from '../state/firewall-state.js';
import type { GenericStore } from '../state/generic-store.js';
import type { HaState } from '../state/ha-state.js';
import type { Datastore } from '../state/pbs-state.js';
import type { PmgState } from '../state/pmg-state.js';
import type { SdnState } from '../state/sdn-state.js';
import type { StorageState } from '../state/storage-state.js';
import type { TaskManager } from '../state/tasks.js';
import type { SimClock } from './clock.js';
import type { SimStats } from './stats.js';

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
  /** How long a 401 takes (PVE pads to it from the request's start; PBS waits it). */
  readonly authFailureDelayMs: number;
  /** How long PBS's router-level 403 takes. */
  readonly forbiddenDelayMs: number;
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
