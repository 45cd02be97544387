import type { ResolvedOptions } from '../options/resolve.js';
import { loadWithPeer } from './optional-peer.js';
import type { Transport } from './transport.js';

/**
 * Builds the transport for the configured backend. Each backend is imported on first use,
 * so that `import 'proxmox-sdk'` does not pay for ssh2 or the simulator; ssh2 is an optional
 * peer dependency, installed only by those who use `backend: 'ssh'`.
 */
export async function createTransport(options: ResolvedOptions): Promise<Transport> {
  switch (options.backend) {
    case 'https': {
      const { HttpsTransport } = await import('./http/https.js');
      return new HttpsTransport(options);
    }
    case 'mock': {
      const { MockTransport } = await import('./mock.js');
      return MockTransport.create(options);
    }
    case 'ssh': {
      const { SshTransport } = await loadWithPeer('ssh2', "backend 'ssh'", () => import('./ssh/ssh.js'));
      return new SshTransport(options);
    }
    case 'openssh': {
      const { OpensshTransport } = await import('./shell/openssh.js');
      return new OpensshTransport(options);
    }
    case 'local': {
      const { LocalTransport } = await import('./shell/local.js');
      return new LocalTransport(options);
    }
  }
}
