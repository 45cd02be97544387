/**
 * Fault injection in front of a simulator engine, for the reliability scenarios.
 *
 * The simulator has its own `faults` option, but it resets a connection before the engine
 * does any work. These scenarios need the worst case for a POST (the work done, the answer
 * lost) and a count of POST arrivals per vmid, so they wrap `engine.handle` here: the HTTPS
 * server turns `reset: true` into a dropped socket. Proxy errors (502/503) are answered
 * without reaching the engine, as a reverse proxy in front of pveproxy would; resets happen
 * after the engine did the work.
 */

import { seededRandom } from '../../src/simulator/engine/seeded-random.js';
import type { SimRequest, SimResponse, SimulatorEngine } from '../../src/simulator/index.js';

export interface InjectedFaults {
  share502?: number;
  share503?: number;
  shareReset?: number;
  /** Each request waits a random 0..latencyMs before it is handled. */
  latencyMs?: number;
  seed?: number;
  /** Requests whose route this matches are never faulted (e.g. to isolate a login). */
  spare?: (req: SimRequest) => boolean;
}

export interface FaultTally {
  /** Every request that reached the server, faulted or not. */
  arrivals: number;
  status502: number;
  status503: number;
  resets: number;
  /** Arrivals per `METHOD path` of POSTs, by the `vmid` they carried: a count above 1 is a repeat. */
  postsByMarker: Map<string, number>;
}

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function proxyAnswer(status: 502 | 503): SimResponse {
  return status === 502
    ? {
        status,
        statusText: 'Bad Gateway',
        headers: { 'content-type': 'text/html', server: 'nginx' },
        body: HTML_502,
        closeConnection: true,
      }
    : { status, statusText: 'Service Unavailable', headers: {}, body: '', closeConnection: true };
}

function marker(req: SimRequest): string | undefined {
  if (req.method !== 'POST' || req.body === undefined) return undefined;
  const vmid = new URLSearchParams(req.body.toString('utf8')).get('vmid');
  return vmid === null ? undefined : `${req.url.split('?')[0]} vmid=${vmid}`;
}

export interface FaultSwitch {
  tally: FaultTally;
  /** Faults on or off (the wrapper stays; off passes every request through). */
  enabled: boolean;
  /** Puts the engine's own handle back. */
  remove(): void;
}

export function injectFaults(engine: SimulatorEngine, faults: InjectedFaults): FaultSwitch {
  const random = seededRandom(faults.seed ?? 1);
  const original = engine.handle;
  const handle = original.bind(engine);
  const tally: FaultTally = { arrivals: 0, status502: 0, status503: 0, resets: 0, postsByMarker: new Map() };
  const control: FaultSwitch = {
    tally,
    enabled: true,
    remove: () => {
      engine.handle = original;
    },
  };
  engine.handle = async (req: SimRequest): Promise<SimResponse> => {
    tally.arrivals++;
    const key = marker(req);
    if (key !== undefined) tally.postsByMarker.set(key, (tally.postsByMarker.get(key) ?? 0) + 1);
    if (!control.enabled || faults.spare?.(req)) return handle(req);
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, random() * faults.latencyMs!));
    const roll = random();
    const p502 = faults.share502 ?? 0;
    const p503 = p502 + (faults.share503 ?? 0);
    const pReset = p503 + (faults.shareReset ?? 0);
    if (roll < p502) {
      tally.status502++;
      return proxyAnswer(502);
    }
    if (roll < p503) {
      tally.status503++;
      return proxyAnswer(503);
    }
    const answer = await handle(req);
    if (roll < pReset) {
      tally.resets++;
      return { ...answer, reset: true };
    }
    return answer;
  };
  return control;
}

/** How many POSTs reached the server more than once (should be 0). */
export function repeatedPosts(tally: FaultTally): number {
  let repeats = 0;
  for (const n of tally.postsByMarker.values()) if (n > 1) repeats += n - 1;
  return repeats;
}
