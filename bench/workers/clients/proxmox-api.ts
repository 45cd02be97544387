/**
 * npm `proxmox-api` as its README shows it: `proxmoxApi({...}).cluster.resources.$get()`.
 * It cannot pin a certificate: its worker runs with NODE_TLS_REJECT_UNAUTHORIZED=0, in a
 * process of its own so that nothing else is affected.
 */
import proxmoxApi from 'proxmox-api';
import { type ClientFactory, segments } from '../bench-client.js';

export const makeProxmoxApiClient: ClientFactory = async (target, auth) => {
  const common = { host: target.host, port: target.port };
  const api: any =
    auth === 'token'
      ? proxmoxApi({
          ...common,
          tokenID: `${target.user}!${target.tokenName}`,
          tokenSecret: target.tokenValue,
        })
      : proxmoxApi({ ...common, username: target.user, password: target.password });
  return {
    get(path) {
      let node = api;
      for (const segment of segments(path)) node = node[segment];
      return node.$get();
    },
    // It keeps no handle of its own: its sockets sit in undici's global dispatcher.
    close: async () => {},
  };
};
