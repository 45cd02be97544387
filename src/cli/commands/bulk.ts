/**
 * `proxmox bulk start|stop|shutdown <guest...> | --all[-running|-stopped]`: one power
 * action over many guests, a few at a time, on top of the SDK's workflows (bulk.ts,
 * power.ts): each guest gets its own result, one failure stops nothing. Progress on stderr
 * (a bar on a terminal, plain lines elsewhere), the results table on stdout, exit 5 when
 * any guest failed. Stopping many guests at once asks first (or takes --yes).
 */
import type { Guest } from '../../workflows/guest.js';
import type { PowerResult } from '../../workflows/power.js';
import { flag, UsageError } from '../args.js';
import { connectionOptions } from '../connection.js';
import { CliError, EXIT } from '../exit-codes.js';
import { BULK_ACTIONS } from '../option-tables.js';
import { BulkProgressView } from '../output/bulk-progress.js';
import { formatOutput, localeIsUtf8, parseOutputFormat } from '../output/render.js';
import { promptLine } from '../prompt.js';
import { ownCommandLine } from './command-line.js';

type Action = (typeof BULK_ACTIONS)[number];

const SELECTORS = { all: undefined, 'all-running': 'running', 'all-stopped': 'stopped' } as const;

/** Whole seconds > 0 from an option, in milliseconds. */
function millis(value: string | true | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value === true || !(n > 0)) throw new UsageError(`--${name}: expected seconds > 0, got '${value}'`);
  return Math.round(n * 1000);
}

function outcome(action: Action, r: PowerResult): string {
  if (action === 'start') return r.changed ? 'started' : 'already running';
  if (r.forced) return 'stopped hard: it did not shut down in time';
  if (!r.changed) return 'already stopped';
  return action === 'stop' ? 'stopped' : 'shut down';
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function run(argv: string[], name = 'bulk', globals: readonly string[] = []): Promise<number> {
  const parsed = ownCommandLine(name, argv, globals);
  if (parsed === undefined) return EXIT.OK;
  const o = parsed.options;
  const [actionWord, ...refs] = parsed.positionals;
  const action = BULK_ACTIONS.find((a) => a === actionWord);
  if (action === undefined) {
    throw new UsageError(
      `bulk: expected an action, ${BULK_ACTIONS.join(', ')}${actionWord ? `, not '${actionWord}'` : ''}`,
    );
  }
  const selectors = Object.keys(SELECTORS).filter((k) => flag(o, k)) as (keyof typeof SELECTORS)[];
  if (selectors.length > 1) throw new UsageError(`bulk: give one of --${selectors.join(', --')}`);
  if (selectors.length === 0 && refs.length === 0) {
    throw new UsageError(
      `bulk ${action}: name the guests (vmid or name), or use --all, --all-running or --all-stopped`,
    );
  }
  const type = o.type;
  if (type !== undefined && type !== 'qemu' && type !== 'lxc')
    throw new UsageError("--type: expected 'qemu' or 'lxc'");
  const concurrency = o.concurrency === undefined ? 4 : Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency: expected a whole number >= 1, got '${o.concurrency}'`);
  }
  const shutdownTimeout = millis(o['shutdown-timeout'], 'shutdown-timeout', 60_000);
  const format = parseOutputFormat(o['output-format']);

  let options = await connectionOptions(o);
  if (flag(o, 'debug')) options = (await import('../debug-log.js')).debugOptions(options);
  const [{ ProxmoxSDK }, { workflows }] = await Promise.all([
    import('../../sdk/proxmox-sdk.js'),
    import('../../workflows/workflows.js'),
  ]);
  const px = new ProxmoxSDK(options);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const wf = workflows(px);
    const signal = interrupt.signal;
    let chosen: Guest[];
    if (selectors.length === 1) {
      const state = SELECTORS[selectors[0]!];
      chosen = (await wf.guests.list({ excludeTemplates: true, signal })).filter(
        (g) => state === undefined || g.status === state,
      );
    } else {
      // Each name or vmid must name one guest: a typo or an ambiguous name stops it all
      // before anything is done (GuestLookupError, exit 4 or 2).
      chosen = [];
      for (const ref of refs) chosen.push(await wf.guests.find(ref, { signal }));
    }
    chosen = chosen.filter(
      (g, i) =>
        (o.node === undefined || g.node === o.node) &&
        (type === undefined || g.type === type) &&
        chosen.findIndex((h) => h.vmid === g.vmid) === i,
    );
    if (chosen.length === 0) {
      process.stderr.write(`bulk ${action}: no guest matches; nothing to do\n`);
      return EXIT.OK;
    }
    if (action !== 'start' && selectors.length === 1 && !flag(o, 'yes')) await confirm(action, chosen);

    const utf8 = localeIsUtf8();
    const view = new BulkProgressView({
      action,
      total: chosen.length,
      tty: process.stderr.isTTY === true,
      utf8,
      columns: process.stderr.columns,
    });
    const startedAt = new Map<number, number>();
    const result = await wf.bulk(
      chosen,
      (g, s) => {
        startedAt.set(g.vmid, Date.now());
        const common = s === undefined ? {} : { signal: s };
        if (action === 'start') return g.start(common);
        if (action === 'stop') return g.stop(common);
        return g.shutdown({ ...common, timeout: shutdownTimeout, force: !flag(o, 'no-force') });
      },
      {
        concurrency,
        signal,
        onProgress: ({ last }) => {
          const g = last.item;
          view.item({
            ok: last.ok,
            label: `${action} ${g.vmid}${g.name ? ` ${g.name}` : ''} on ${g.node}`,
            outcome: last.ok ? outcome(action, last.value) : messageOf(last.error),
            ms: Date.now() - (startedAt.get(g.vmid) ?? Date.now()),
          });
        },
      },
    );
    view.finish(
      `bulk ${action}: ${result.succeeded} of ${chosen.length} done${result.failed > 0 ? `, ${result.failed} failed` : ''}`,
    );
    const rows = result.results.map((r) => ({
      vmid: r.item.vmid,
      name: r.item.name,
      node: r.item.node,
      type: r.item.type,
      ok: r.ok ? 1 : 0,
      result: r.ok ? outcome(action, r.value) : messageOf(r.error),
      tasks: r.ok ? r.value.tasks : [],
    }));
    if (!flag(o, 'quiet')) {
      process.stdout.write(
        await formatOutput(rows, {
          format,
          columnOrder: ['vmid', 'name', 'node', 'type', 'ok', 'result'],
          sortKey: null,
          noborder: flag(o, 'noborder'),
          noheader: flag(o, 'noheader'),
          columns: process.stdout.isTTY ? process.stdout.columns : undefined,
          utf8,
        }),
      );
    }
    if (signal.aborted) return EXIT.INTERRUPTED;
    return result.failed > 0 ? EXIT.TASK_FAILED : EXIT.OK;
  } finally {
    process.off('SIGINT', onSigint);
    await px.close();
  }
}

/** Powering off many guests picked by a filter: asked on a terminal, else refused without --yes. */
async function confirm(action: Action, guests: readonly Guest[]): Promise<void> {
  const list = guests.map((g) => g.vmid).join(', ');
  const question = `${action === 'stop' ? 'Stop (power off)' : 'Shut down'} ${guests.length} guest${guests.length === 1 ? '' : 's'} (${list})? [y/N] `;
  if (!process.stdin.isTTY) {
    throw new CliError(
      `bulk ${action}: ${guests.length} guests picked by a filter; add --yes to go ahead without a terminal`,
      EXIT.USAGE,
    );
  }
  if (!/^y(es)?$/i.test((await promptLine(question)).trim()))
    throw new CliError(`bulk ${action}: nothing done`, EXIT.USAGE);
}
