/**
 * Collects every text a user could see (error messages, `JSON.stringify(error)`,
 * `util.inspect(error)`, stacks and causes, console output, process warnings, debug dumps)
 * and finds the known secrets in it.
 */
import { format, inspect } from 'node:util';

export class SecretScan {
  readonly texts: Array<{ where: string; text: string }> = [];
  readonly #secrets = new Set<string>();
  /** Short numeric secrets (OTP codes): matched as whole words only. */
  readonly #codes = new Set<string>();
  /** Exact texts of any length (a secret's encoded forms, chosen not to occur by chance). */
  readonly #exact = new Set<string>();
  #restore: Array<() => void> = [];

  /** How many distinct secrets are being looked for. */
  get secretCount(): number {
    return this.#secrets.size;
  }

  secret(...values: Array<string | undefined>): void {
    for (const v of values) if (v !== undefined && v.length >= 6) this.#secrets.add(v);
  }

  /** A successful login answer's ticket and CSRF token become secrets too. */
  loginAnswer(path: string, res: { status: number; body: Buffer | string }): void {
    if (!path.endsWith('/access/ticket') || res.status !== 200) return;
    const data = (JSON.parse(res.body.toString()) as { data?: Record<string, unknown> }).data ?? {};
    this.secret(data.ticket as string, data.CSRFPreventionToken as string);
  }

  exact(...values: string[]): void {
    for (const v of values) if (v !== '') this.#exact.add(v);
  }

  code(...values: string[]): void {
    for (const v of values) this.#codes.add(v);
  }

  add(where: string, text: string): void {
    this.texts.push({ where, text });
  }

  /** Everything an error shows, however it is printed. */
  error(where: string, error: unknown): void {
    const e = error as Error & { cause?: unknown };
    this.add(`${where}: message`, String(e?.message));
    this.add(`${where}: JSON`, JSON.stringify(error) ?? '');
    this.add(`${where}: inspect`, inspect(error, { showHidden: true, depth: 8 }));
    this.add(`${where}: stack`, String(e?.stack));
    this.add(`${where}: String`, String(error));
    if (e?.cause !== undefined) this.add(`${where}: cause`, inspect(e.cause, { showHidden: true, depth: 8 }));
  }

  /** Records console.* and process.emitWarning output until `stop()`. */
  listen(): void {
    for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[name];
      console[name] = (...args: unknown[]) => {
        this.add(`console.${name}`, format(...args));
      };
      this.#restore.push(() => {
        console[name] = original;
      });
    }
    const emit = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      this.add(
        'process.emitWarning',
        `${typeof warning === 'string' ? warning : warning.message} ${format(...rest)}`,
      );
      return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    this.#restore.push(() => {
      process.emitWarning = emit;
    });
  }

  stop(): void {
    for (const undo of this.#restore.splice(0)) undo();
  }

  /** `where: secret` for every leak found. */
  leaks(): string[] {
    const found: string[] = [];
    for (const { where, text } of this.texts) {
      for (const s of this.#secrets) {
        if (text.includes(s) || text.includes(encodeURIComponent(s))) found.push(`${where}: ${s}`);
      }
      for (const c of this.#codes) if (new RegExp(`\\b${c}\\b`).test(text)) found.push(`${where}: code ${c}`);
      for (const e of this.#exact) if (text.includes(e)) found.push(`${where}: ${JSON.stringify(e)}`);
    }
    return found;
  }
}
