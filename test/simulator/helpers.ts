/** Plain HTTPS requests against a running simulator: no SDK code on this side. */
import { Agent, request } from 'undici';
import type { RunningSimulator } from '../../src/simulator/index.js';

export interface WireResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface WireOptions {
  params?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** Raw body; overrides `params` for POST/PUT. */
  body?: string | Buffer;
}

const agents = new WeakMap<RunningSimulator, Agent>();

export function agentFor(sim: RunningSimulator): Agent {
  let agent = agents.get(sim);
  if (!agent) {
    agent = new Agent({ connect: { ca: sim.ca, servername: 'localhost' } });
    agents.set(sim, agent);
  }
  return agent;
}

function encode(params: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    for (const x of Array.isArray(v) ? v : [v]) search.append(k, x);
  return search.toString();
}

export async function wire(
  sim: RunningSimulator,
  method: string,
  path: string,
  options: WireOptions = {},
): Promise<WireResponse> {
  const hasBody = method === 'POST' || method === 'PUT';
  const query = !hasBody && options.params ? `?${encode(options.params)}` : '';
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined = options.body;
  if (body === undefined && hasBody && options.params) {
    body = encode(options.params);
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  const res = await request(`${sim.url}/api2/json${path}${query}`, {
    method: method as 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    dispatcher: agentFor(sim),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.statusCode,
    statusText: (res as unknown as { statusText?: string }).statusText ?? '',
    headers: res.headers,
    text,
    json,
  };
}

export interface Session {
  ticket: string;
  csrf: string;
  cookieName: string;
}

export async function login(sim: RunningSimulator, username: string, password: string): Promise<Session> {
  const res = await wire(sim, 'POST', '/access/ticket', { params: { username, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return {
    ticket: res.json.data.ticket,
    csrf: res.json.data.CSRFPreventionToken,
    cookieName: `${sim.service}AuthCookie`,
  };
}

export function sessionHeaders(session: Session, withCsrf = true): Record<string, string> {
  const headers: Record<string, string> = {
    cookie: `${session.cookieName}=${encodeURIComponent(session.ticket)}`,
  };
  if (withCsrf) headers.csrfpreventiontoken = session.csrf;
  return headers;
}
