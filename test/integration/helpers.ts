import type { RunningSimulator, SimRequest } from '../../src/simulator/index.js';

/** Records every request the simulator's engine receives (method, url, headers). */
export function recordRequests(sim: RunningSimulator): SimRequest[] {
  const seen: SimRequest[] = [];
  const engine = sim.engine;
  const original = engine.handle.bind(engine);
  engine.handle = (req: SimRequest) => {
    seen.push(req);
    return original(req);
  };
  return seen;
}

export function account(sim: RunningSimulator, prefix: string) {
  const found = sim.users.find((u) => u.userid.startsWith(prefix));
  if (found === undefined) throw new Error(`no simulator user ${prefix}*`);
  return found;
}

export function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
