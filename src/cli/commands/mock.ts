/**
 * `proxmox mock serve`: the HTTPS simulator on a local port until SIGINT/SIGTERM.
 * With --json, stdout carries exactly one JSON line (url, host, port, service,
 * fingerprint, users) so that scripts and tests can read it; everything else goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { findService, SERVICES, type ServiceName } from '../../core/services.js';
import { flag, parseArgs, UsageError } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { MOCK_OPTIONS } from '../option-tables.js';
import { printHelp } from './help.js';

interface ServeSettings {
  service: ServiceName;
  host: string;
  port: number;
  dataset: 'demo' | 'empty';
  guests?: number;
  clientCa?: string;
  authFailureDelayMs?: number;
}

function settings(o: Record<string, string | true>): ServeSettings {
  const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const service = findService(text('service') ?? 'pve');
  if (service === undefined) throw new UsageError('--service: expected pve, pbs, pmg or pdm');
  const portText = text('port');
  if (portText !== undefined && !/^\d+$/.test(portText)) throw new UsageError('--port: expected a number');
  const port = portText === undefined ? SERVICES[service].defaultPort : Number(portText);
  if (port > 65535) throw new UsageError('--port: expected 0 to 65535');
  const dataset = text('dataset') ?? 'demo';
  if (dataset !== 'demo' && dataset !== 'empty') throw new UsageError('--dataset: expected demo or empty');
  const out: ServeSettings = { service, host: text('host') ?? '127.0.0.1', port, dataset };
  const guests = text('guests');
  if (guests !== undefined) {
    if (!/^\d+$/.test(guests)) throw new UsageError('--guests: expected a whole number');
    out.guests = Number(guests);
  }
  const delay = text('auth-delay');
  if (delay !== undefined) {
    if (!/^\d+$/.test(delay)) throw new UsageError('--auth-delay: expected milliseconds (a whole number)');
    out.authFailureDelayMs = Number(delay);
  }
  const clientCa = text('client-ca');
  if (clientCa !== undefined) {
    try {
      out.clientCa = readFileSync(clientCa, 'utf8');
    } catch {
      throw new UsageError(`--client-ca: cannot read '${clientCa}'`);
    }
    if (!out.clientCa.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(`--client-ca: '${clientCa}' holds no PEM certificate`);
    }
  }
  return out;
}

function humanReport(
  sim: Awaited<ReturnType<typeof import('../../simulator/index.js').startSimulator>>,
  clientCa: boolean,
): string {
  const lines = [
    `Proxmox ${sim.service} simulator listening on ${sim.url}`,
    `  fingerprint: ${sim.fingerprint}`,
    ...(clientCa
      ? ['  clients must present a certificate signed by the --client-ca CA (--cert, --key)']
      : []),
    '',
    'Users:',
  ];
  for (const user of sim.users) {
    lines.push(`  ${user.userid}  password: ${user.password}`);
    if (user.totpSecret) lines.push(`    TOTP secret: ${user.totpSecret}`);
    for (const token of user.tokens) {
      lines.push(
        `    token ${user.userid}!${token.tokenid}  secret: ${token.value}${token.privsep ? '  (privsep)' : ''}`,
      );
    }
  }
  const first = sim.users[0];
  lines.push('', 'Try:');
  if (first) {
    lines.push(
      `  echo '${first.password}' | proxmox get /version --host ${sim.host}:${sim.port} --service ${sim.service.toLowerCase()} --user ${first.userid} --fingerprint ${sim.fingerprint} --password-stdin`,
    );
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

export async function run(argv: string[], _name = 'mock', globals: readonly string[] = []): Promise<number> {
  const parsed = parseArgs(
    [...globals, ...argv],
    { ...MOCK_OPTIONS, help: { value: false, short: 'h', help: '' } },
    false,
  );
  const [sub, ...extra] = parsed.positionals;
  if (flag(parsed.options, 'help') || sub === undefined) {
    printHelp('mock');
    return sub === undefined && !flag(parsed.options, 'help') ? EXIT.USAGE : EXIT.OK;
  }
  if (sub !== 'serve') throw new UsageError(`unknown mock command '${sub}'; expected 'serve'`);
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const s = settings(parsed.options);
  // Listen for the stop signals before anyone can know the address and send one.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const { startSimulator } = await import('../../simulator/index.js');
  const sim = await startSimulator(s);
  if (flag(parsed.options, 'json')) {
    const { url, host, port, service, fingerprint, users } = sim;
    process.stdout.write(`${JSON.stringify({ url, host, port, service, fingerprint, users })}\n`);
  } else {
    process.stdout.write(humanReport(sim, s.clientCa !== undefined));
  }
  await stopped;
  await sim.close();
  if (!flag(parsed.options, 'json')) process.stderr.write('simulator stopped\n');
  return EXIT.OK;
}
