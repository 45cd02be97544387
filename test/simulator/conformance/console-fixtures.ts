/**
 * Console tickets for the walk: vncwebsocket and POST /access/vncticket take only a ticket
 * that the proxy call made for this user, path and port (pve-access-control
 * AccessControl.pm verify_vnc_ticket), so one is asked for first, as a client does.
 */
import type { ApiMethod } from '../../../src/generated/schema-types.js';
import type { SimulatorEngine } from '../../../src/simulator/index.js';

export async function consoleFixtures(
  engine: SimulatorEngine,
  api: ApiMethod,
  out: Record<string, string>,
): Promise<void> {
  const websocket = api.path.endsWith('/vncwebsocket');
  // The PVE and PBS simulators have consoles; elsewhere the generic handlers answer from the schema.
  const consoles = engine.service === 'PVE' || engine.service === 'PBS';
  if (!consoles || (!websocket && api.path !== '/access/vncticket')) return;
  const node = out.node ?? engine.localNode;
  const base = websocket
    ? api.path.replace('{node}', node).replace('{vmid}', out.vmid ?? '')
    : `/nodes/${node}`;
  const proxy = await engine.call('POST', `${base.replace(/\/vncwebsocket$/, '')}/termproxy`, {});
  const { ticket, port } = proxy.data as { ticket: string; port: number };
  out.vncticket = ticket;
  out.port = String(port);
  if (websocket) return;
  Object.assign(out, { authid: 'root@pam', path: `/nodes/${node}`, privs: 'Sys.Console' });
}
