/**
 * The SDK's consoles as the CLI uses them: `px.consoles` (src/console/console-helper.ts)
 * opens a guest's terminal, a node's shell, or a guest's VNC display. The CLI has already
 * looked the guest up (a name works too), so it hands over node, vmid and type.
 */
import type { ServiceName } from '../../core/services.js';
import type { ProxmoxClient } from '../../sdk/proxmox-sdk.js';
import type { GuestTarget } from '../guest/target.js';
import type { TerminalChannel, VncChannel } from './channels.js';

export interface TerminalRequest {
  cols?: number;
  rows?: number;
  /** qemu only: which serial port. */
  serial?: string;
  signal?: AbortSignal;
}

export interface ConsoleApi {
  guest(guest: GuestTarget, request: TerminalRequest): Promise<TerminalChannel>;
  shell(node: string, request: Omit<TerminalRequest, 'serial'>): Promise<TerminalChannel>;
  vnc(guest: GuestTarget, request: { signal?: AbortSignal }): Promise<VncChannel>;
}

export function consoleApi(px: ProxmoxClient<ServiceName>): ConsoleApi {
  const ref = (g: GuestTarget) => ({ node: g.node, vmid: g.vmid, type: g.type });
  return {
    guest: (g, request) => px.consoles.terminal(ref(g), request),
    shell: (node, request) => px.consoles.shell(node, request),
    vnc: (g, request) => px.consoles.vnc(ref(g), request),
  };
}
