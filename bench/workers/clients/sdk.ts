/**
 * proxmox-sdk as a user writes it: the fluent path (`px.cluster.resources.get()`), TLS
 * pinned, from the tsup build of the current src/ (see bench/lib/package-build.ts).
 */
import { packageUrl } from '../../lib/package-build.js';
import { type ClientFactory, segments } from '../bench-client.js';

const { ProxmoxSDK } = (await import(packageUrl('index'))) as typeof import('../../../src/index.js');

export const makeSdkClient: ClientFactory = async (target, auth) => {
  const common = {
    host: target.host,
    port: target.port,
    fingerprint: target.fingerprint,
    ...(target.connections === undefined ? {} : { connections: target.connections }),
  };
  // `new` (not connect) so that a password client logs in on its first request: the login storm.
  const px: any =
    auth === 'token'
      ? new ProxmoxSDK({
          ...common,
          user: target.user,
          tokenName: target.tokenName,
          tokenValue: target.tokenValue,
        })
      : new ProxmoxSDK({ ...common, user: target.user, password: target.password });
  return {
    get(path) {
      let node = px;
      for (const segment of segments(path)) node = node[segment];
      return node.get();
    },
    close: () => px.close(),
  };
};
