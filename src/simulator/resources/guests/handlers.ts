/** The handler tables of `/nodes/{node}/qemu` and `/nodes/{node}/lxc`. */

import type { HandlerTable } from '../../engine/handler.js';
import type { GuestType } from '../../state/cluster-state.js';
import { agentHandlers } from './agent.js';
import { pendingList, readConfig, updateConfigAsync, updateConfigSync } from './config.js';
import {
  cloneGuest,
  currentStatus,
  destroyGuest,
  makeTemplate,
  type PowerAction,
  powerAction,
} from './lifecycle.js';
import { createGuest, listGuests } from './list.js';
import { migrateGuest, migratePreconditions } from './migrate.js';
import { moveDisk, moveVolume } from './move-disk.js';
import { resizeDisk } from './resize.js';
import {
  createSnapshot,
  deleteSnapshot,
  listSnapshots,
  rollbackSnapshot,
  snapshotConfig,
  updateSnapshot,
} from './snapshots.js';

const ACTIONS: PowerAction[] = ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'];

function guestTable(type: GuestType): HandlerTable {
  const base = `/nodes/{node}/${type}`;
  const one = `${base}/{vmid}`;
  const table: HandlerTable = {
    [`GET ${base}`]: listGuests(type),
    [`POST ${base}`]: createGuest(type),
    [`DELETE ${one}`]: destroyGuest(type),
    [`GET ${one}/config`]: readConfig(type),
    [`PUT ${one}/config`]: updateConfigSync(type),
    [`GET ${one}/pending`]: pendingList(type),
    [`PUT ${one}/resize`]: resizeDisk(type),
    [`GET ${one}/status/current`]: currentStatus(type),
    [`POST ${one}/template`]: makeTemplate(type),
    [`POST ${one}/clone`]: cloneGuest(type),
    [`POST ${one}/migrate`]: migrateGuest(type),
    [`GET ${one}/migrate`]: migratePreconditions(type),
    [`GET ${one}/snapshot`]: listSnapshots(type),
    [`POST ${one}/snapshot`]: createSnapshot(type),
    [`GET ${one}/snapshot/{snapname}/config`]: snapshotConfig(type),
    [`PUT ${one}/snapshot/{snapname}/config`]: updateSnapshot(type),
    [`POST ${one}/snapshot/{snapname}/rollback`]: rollbackSnapshot(type),
    [`DELETE ${one}/snapshot/{snapname}`]: deleteSnapshot(type),
  };
  for (const action of ACTIONS) table[`POST ${one}/status/${action}`] = powerAction(type, action);
  if (type === 'qemu') {
    table[`POST ${one}/config`] = updateConfigAsync(type);
    table[`POST ${one}/move_disk`] = moveDisk();
  } else {
    table[`POST ${one}/move_volume`] = moveVolume();
  }
  return table;
}

export const guestHandlers: HandlerTable = { ...guestTable('qemu'), ...guestTable('lxc'), ...agentHandlers };
