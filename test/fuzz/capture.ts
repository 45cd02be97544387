/**
 * A mock-backend client whose engine only records what arrived and answers `{data: null}`:
 * the whole client chain (path proxy, encoding, pipeline, wire form) runs, nothing is routed.
 */
import { type ProxmoxClient, type ProxmoxOptions, ProxmoxSDK } from '../../src/index.js';
import { type SimRequest, SimulatorEngine } from '../../src/simulator/index.js';

export interface Capture {
  px: ProxmoxClient<'PVE'>;
  /** Requests the engine received, in order. */
  seen: SimRequest[];
}

export function captureClient(options: Partial<ProxmoxOptions> = {}): Capture {
  const engine = new SimulatorEngine({ service: 'PVE', dataset: 'empty' });
  const seen: SimRequest[] = [];
  engine.handle = async (req) => {
    seen.push(req);
    return {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: '{"data":null}',
      closeConnection: false,
    };
  };
  const px = new ProxmoxSDK({
    backend: 'mock',
    engine,
    user: 'root@pam',
    tokenName: 'fuzz',
    tokenValue: 'fuzz-token-value',
    ...options,
  } as ProxmoxOptions<'PVE'>);
  return { px, seen };
}
