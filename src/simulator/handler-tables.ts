/** Hand-written handlers and the products they serve; everything else is schema-generic. */
import type { ServiceName } from '../services.js';
import type { HandlerTable } from './handler.js';
import { aclHandlers } from './resources/access-acl.js';
import { tfaHandlers } from './resources/access-tfa.js';
import { userHandlers } from './resources/access-users.js';
import { basicHandlers } from './resources/basics.js';
import { clusterHandlers } from './resources/cluster.js';
import { firewallHandlers } from './resources/firewall.js';
import { guestHandlers } from './resources/guests.js';
import { haHandlers } from './resources/ha.js';
import { pbsDatastoreHandlers } from './resources/pbs-datastore.js';
import { pmgHandlers } from './resources/pmg.js';
import { poolHandlers } from './resources/pools.js';
import { sdnHandlers } from './resources/sdn.js';
import { storageHandlers } from './resources/storage.js';
import { taskHandlers } from './resources/tasks.js';
import { ticketHandlers } from './resources/ticket.js';

const ALL: readonly ServiceName[] = ['PVE', 'PBS', 'PMG', 'PDM'];

export const HANDLER_TABLES: [readonly ServiceName[], HandlerTable][] = [
  [ALL, basicHandlers],
  [ALL, ticketHandlers],
  [ALL, taskHandlers],
  [['PVE'], userHandlers('tokenid')],
  [['PBS', 'PDM'], userHandlers('token-name')],
  [['PVE', 'PBS', 'PDM'], aclHandlers],
  [['PVE', 'PBS', 'PDM'], tfaHandlers],
  [['PVE'], guestHandlers],
  [['PVE'], clusterHandlers],
  [['PVE'], storageHandlers],
  [['PVE'], poolHandlers],
  [['PVE'], firewallHandlers],
  [['PVE'], haHandlers],
  [['PVE'], sdnHandlers],
  [['PBS'], pbsDatastoreHandlers],
  [['PMG'], pmgHandlers],
];
