/** Hand-written handlers and the products they serve; everything else is schema-generic. */
import type { ServiceName } from '../../core/services.js';
import { aclHandlers } from '../resources/access/acl.js';
import { poolHandlers } from '../resources/access/pools.js';
import { tfaHandlers } from '../resources/access/tfa.js';
import { perlTicketHandlers, rustTicketHandlers, ticketHandlers } from '../resources/access/ticket.js';
import { userHandlers } from '../resources/access/users.js';
import { basicHandlers } from '../resources/cluster/basics.js';
import { clusterHandlers } from '../resources/cluster/handlers.js';
import { taskHandlers } from '../resources/cluster/tasks.js';
import { consoleHandlers } from '../resources/console/handlers.js';
import { pbsConsoleHandlers } from '../resources/console/pbs-handlers.js';
import { firewallHandlers } from '../resources/firewall/handlers.js';
import { guestHandlers } from '../resources/guests/handlers.js';
import { haHandlers } from '../resources/ha/handlers.js';
import { pbsDatastoreHandlers } from '../resources/pbs/datastore.js';
import { pmgHandlers } from '../resources/pmg/handlers.js';
import { sdnHandlers } from '../resources/sdn/handlers.js';
import { aplinfoHandlers } from '../resources/storage/aplinfo.js';
import { storageHandlers } from '../resources/storage/handlers.js';
import type { HandlerTable } from './handler.js';

const ALL: readonly ServiceName[] = ['PVE', 'PBS', 'PMG', 'PDM'];

export const HANDLER_TABLES: [readonly ServiceName[], HandlerTable][] = [
  [ALL, basicHandlers],
  [ALL, ticketHandlers],
  [['PVE', 'PMG'], perlTicketHandlers],
  [['PBS', 'PDM'], rustTicketHandlers],
  [ALL, taskHandlers],
  [['PVE'], userHandlers('tokenid')],
  [['PBS', 'PDM'], userHandlers('token-name')],
  [['PVE', 'PBS', 'PDM'], aclHandlers],
  [['PVE', 'PBS', 'PDM'], tfaHandlers],
  [['PVE'], guestHandlers],
  [['PVE'], consoleHandlers],
  [['PVE'], clusterHandlers],
  [['PVE'], storageHandlers],
  [['PVE'], aplinfoHandlers],
  [['PVE'], poolHandlers],
  [['PVE'], firewallHandlers],
  [['PVE'], haHandlers],
  [['PVE'], sdnHandlers],
  [['PBS'], pbsDatastoreHandlers],
  [['PBS'], pbsConsoleHandlers],
  [['PMG'], pmgHandlers],
];
