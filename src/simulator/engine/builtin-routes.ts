/**
 * Permissions of the hand-written handlers, used where no generated schema table covers a
 * route (and as a floor before the schema loads). Same dialect as the PVE schema.
 */
import type { MethodInfo } from './router.js';

const world = { permissions: { user: 'world' }, allowtoken: true };
const vm = (privs: string[]): Partial<MethodInfo> => ({
  permissions: { check: ['perm', '/vms/{vmid}', privs] },
});

export const BUILTIN_INFO: Record<string, Partial<MethodInfo>> = {
  'POST /access/ticket': { permissions: { user: 'world' }, allowtoken: false },
  'GET /access/ticket': world,
  'DELETE /access/ticket': world,
  'GET /access/domains': world,
  'POST /nodes/{node}/qemu': vm(['VM.Allocate']),
  'GET /nodes/{node}/qemu/{vmid}/config': vm(['VM.Audit']),
  'GET /nodes/{node}/qemu/{vmid}/status/current': vm(['VM.Audit']),
  'POST /nodes/{node}/qemu/{vmid}/status/start': vm(['VM.PowerMgmt']),
  'POST /nodes/{node}/qemu/{vmid}/status/stop': vm(['VM.PowerMgmt']),
  'POST /nodes/{node}/qemu/{vmid}/status/shutdown': vm(['VM.PowerMgmt']),
  'POST /nodes/{node}/qemu/{vmid}/status/reboot': vm(['VM.PowerMgmt']),
  'POST /nodes/{node}/qemu/{vmid}/status/suspend': vm(['VM.PowerMgmt']),
  'POST /nodes/{node}/qemu/{vmid}/status/resume': vm(['VM.PowerMgmt']),
  'DELETE /nodes/{node}/qemu/{vmid}': vm(['VM.Allocate']),
};

export const DEFAULT_INFO: MethodInfo = { permissions: { user: 'all' }, allowtoken: true };
