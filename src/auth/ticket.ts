/**
 * Password login with tickets (PROTOCOL.md "Tickets"): one login shared by every
 * concurrent request, renewal with the ticket as password in the last 30 minutes,
 * one fresh login when the server no longer accepts the ticket.
 */
import { AbortError, AuthenticationError, ProxmoxError } from '../core/errors.js';
import { plainMessage } from '../core/plain-error.js';
import type { Redactor } from '../core/redact.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { ResolvedOptions } from '../options/resolve.js';
import type { TransportResponse } from '../transports/transport.js';
import type { Authenticator, SendLogin } from './authenticator.js';
import { isTfaTicket, parseTfaChallenge, tfaResponse, totpCode } from './tfa.js';

const MINUTE = 60_000;
/** Tickets live 2 hours; Proxmox's own clients renew in the last 30 minutes. */
const TICKET_LIFETIME = 120 * MINUTE;
const RENEW_AFTER = 90 * MINUTE;
/** Past this age a request waits for the renewal instead of racing it. */
const MUST_RENEW_AFTER = 115 * MINUTE;

/** The one login or renewal in progress, and how many callers still wait for it. */
interface Flight {
  promise: Promise<void>;
  controller: AbortController;
  waiters: number;
}

/** What a login sends as its second factor, and whether it was made from totpSecret. */
interface Answer {
  value: string;
  generated: boolean;
}

interface Session {
  ticket: string;
  obtainedAt: number;
  get: Readonly<Record<string, string>>;
  write: Readonly<Record<string, string>>;
}

export class TicketAuth implements Authenticator {
  readonly #options: ResolvedOptions;
  readonly #send: SendLogin;
  readonly #redactor: Redactor;
  readonly #now: () => number;
  #session: Session | undefined;
  #flight: Flight | undefined;
  /** A one-shot otp is spent by the first login; later logins need totpSecret or onTfa. */
  #otpUsed = false;
  /** The cookie the server named its ticket in (PDM: `__Host-PDMAuthCookie`). */
  #cookieName: string;

  constructor(options: ResolvedOptions, send: SendLogin, redactor: Redactor, now: () => number = Date.now) {
    this.#options = options;
    this.#send = send;
    this.#redactor = redactor;
    this.#now = now;
    this.#cookieName = options.service.cookieName;
  }

  ready(method: HttpMethod): Readonly<Record<string, string>> | undefined {
    const session = this.#session;
    // A ticket due for renewal goes through headers(), which starts the renewal.
    if (session === undefined || this.#now() - session.obtainedAt >= RENEW_AFTER) return undefined;
    return method === 'GET' ? session.get : session.write;
  }

  async headers(method: HttpMethod, signal?: AbortSignal): Promise<Readonly<Record<string, string>>> {
    let session = this.#session;
    const age = session === undefined ? Number.POSITIVE_INFINITY : this.#now() - session.obtainedAt;
    if (session === undefined || age >= TICKET_LIFETIME) {
      await this.#singleFlight((s) => this.#login(s), signal);
    } else if (age >= RENEW_AFTER) {
      if (age >= MUST_RENEW_AFTER) await this.#singleFlight((s) => this.#renew(s), signal);
      else this.#singleFlight((s) => this.#renew(s)).catch(() => {});
    }
    session = this.#session!;
    return method === 'GET' ? session.get : session.write;
  }

  async refused(sent: Readonly<Record<string, string>>): Promise<boolean> {
    const current = this.#session;
    // Another request already replaced the ticket that was refused: just retry with the new one.
    if (current !== undefined && sent.cookie !== current.get.cookie) return true;
    this.#session = undefined;
    await this.#singleFlight((s) => this.#login(s));
    return true;
  }

  async login(): Promise<void> {
    if (this.#session === undefined) await this.#singleFlight((s) => this.#login(s));
  }

  /**
   * One login (or renewal) at a time, shared by every caller. A caller with a signal may stop
   * waiting; when every caller has stopped, the login itself is aborted, so that nothing is
   * left running for no one.
   */
  #singleFlight(work: (signal: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<void> {
    let flight = this.#flight;
    if (flight === undefined) {
      const controller = new AbortController();
      const started: Flight = { controller, waiters: 0, promise: Promise.resolve() };
      started.promise = work(controller.signal).finally(() => {
        if (this.#flight === started) this.#flight = undefined;
      });
      this.#flight = started;
      flight = started;
    }
    const current = flight;
    current.waiters++;
    if (signal === undefined) return current.promise;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        current.waiters--;
        if (current.waiters === 0) current.controller.abort(signal.reason);
        reject(new AbortError('aborted by the caller while waiting for the login', { cause: signal.reason }));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  async #renew(signal: AbortSignal): Promise<void> {
    const session = this.#session;
    if (session === undefined) return this.#login(signal);
    try {
      const data = await this.#post(
        { username: this.#options.userid, password: session.ticket },
        'renew the ticket',
        signal,
      );
      this.#accept(data);
    } catch (error) {
      // An expired or revoked ticket cannot be renewed; a fresh login still can.
      if (error instanceof AuthenticationError) return this.#login(signal);
      throw error;
    }
  }

  /**
   * A login; when the server refuses a code made from totpSecret, one more with the next
   * step's code. Proxmox takes each TOTP step once (proxmox-tfa api/mod.rs verify_totp), and
   * another process (a second CLI run, another client of the same profile) may have spent the
   * current one; the next step is inside the server's -1..=1 window. Never more than one
   * retry, and never for an otp the user gave.
   */
  async #login(signal: AbortSignal): Promise<void> {
    const attempt = { generated: false };
    try {
      await this.#loginAttempt(signal, attempt);
    } catch (error) {
      if (!(error instanceof AuthenticationError) || !attempt.generated) throw error;
      await this.#loginAttempt(signal, { generated: false });
    }
  }

  /** `attempt.generated` tells whether a code from totpSecret was sent and refused. */
  async #loginAttempt(signal: AbortSignal, attempt: { generated: boolean }): Promise<void> {
    const o = this.#options;
    const params: Record<string, string> = { username: o.userid!, password: o.password ?? '' };
    let generated = false;
    if (o.service.legacyOtp) {
      // PMG (and PVE 6) take the code in the same request.
      const code = await this.#codeForLegacy(signal);
      if (code !== undefined) params.otp = code.value;
      generated = code?.generated === true;
    } else if (o.service.newFormatParam) {
      params['new-format'] = '1';
    }
    const first = await this.#refusedCode(this.#post(params, 'log in', signal), attempt, generated);
    if (!isTfaTicket(String(first.ticket))) return this.#accept(first);

    const challengeTicket = String(first.ticket);
    this.#redactor.add(challengeTicket);
    const answer = await this.#tfaAnswer(challengeTicket, signal);
    const second = await this.#refusedCode(
      this.#post(
        {
          username: o.userid!,
          'tfa-challenge': challengeTicket,
          password: answer.value,
          ...(o.service.newFormatParam ? { 'new-format': '1' } : {}),
        },
        'complete the two-factor login',
        signal,
      ),
      attempt,
      answer.generated,
    );
    if (isTfaTicket(String(second.ticket))) {
      throw new AuthenticationError(`two-factor login for ${o.userid} was not accepted`);
    }
    this.#accept(second);
  }

  /** Marks the attempt when the request that carried a generated code fails. */
  async #refusedCode<T>(
    request: Promise<T>,
    attempt: { generated: boolean },
    generated: boolean,
  ): Promise<T> {
    try {
      return await request;
    } catch (error) {
      attempt.generated = generated;
      throw error;
    }
  }

  async #codeForLegacy(signal: AbortSignal): Promise<Answer | undefined> {
    const o = this.#options;
    if (o.otp !== undefined && !this.#otpUsed) {
      this.#otpUsed = true;
      this.#redactor.add(o.otp);
      return { value: o.otp, generated: false };
    }
    if (o.totpSecret !== undefined) {
      // Registered before it is sent: a server that echoes the login must not show it (issue 15.5).
      const code = await totpCode(o.totpSecret, o.userid, signal);
      this.#redactor.add(code);
      return { value: code, generated: true };
    }
    return undefined;
  }

  async #tfaAnswer(ticket: string, signal: AbortSignal): Promise<Answer> {
    const o = this.#options;
    let response: string | undefined;
    let generated = false;
    if (o.otp !== undefined && !this.#otpUsed) {
      this.#otpUsed = true;
      response = o.otpType === 'recovery' ? tfaResponse({ recovery: o.otp }) : tfaResponse(o.otp);
    } else if (o.totpSecret !== undefined) {
      response = tfaResponse(await totpCode(o.totpSecret, o.userid, signal));
      generated = true;
    } else if (o.onTfa !== undefined) {
      response = tfaResponse(await o.onTfa(parseTfaChallenge(ticket, o.userid!)));
    }
    if (response === undefined) {
      throw new AuthenticationError(
        `${o.userid} needs a second factor: pass otp, totpSecret or onTfa` +
          (this.#otpUsed ? ' (the one-time otp was already used by the first login)' : ''),
      );
    }
    this.#redactor.add(response.slice(response.indexOf(':') + 1));
    return { value: response, generated };
  }

  async #post(params: Params, what: string, signal: AbortSignal): Promise<Record<string, unknown>> {
    const res: TransportResponse = await this.#send(params, signal);
    const body = res.body as { data?: unknown } | undefined;
    let data = body?.data as Record<string, unknown> | null | undefined;
    if (data != null && typeof data.ticket !== 'string') {
      // PDM (and PBS with http-only) hand the ticket out as an HttpOnly cookie, with only
      // `ticket-info` in the body; a client that is no browser reads it from Set-Cookie.
      const fromCookie = this.#ticketCookie(res.headers['set-cookie']);
      if (fromCookie !== undefined) data = { ...data, ticket: fromCookie };
    }
    // PBS and PDM give the reason only in the body: "401 Unauthorized: <why>".
    const why = plainMessage(res.body)?.message.split('\n')[0];
    const reason = (fallback: string) =>
      this.#redactor.scrub(
        why !== undefined && why !== res.statusText
          ? `${res.statusText || fallback}: ${why}`
          : res.statusText || fallback,
      );
    if (res.status === 401 || (res.status < 300 && (data == null || typeof data.ticket !== 'string'))) {
      throw new AuthenticationError(
        `could not ${what} as ${this.#options.userid}: ${res.status} ${reason('authentication failure')}`,
        { statusCode: res.status },
      );
    }
    if (res.status >= 300) {
      throw new ProxmoxError(
        `could not ${what} as ${this.#options.userid}: ${res.status} ${reason('error')}`,
      );
    }
    return data!;
  }

  /** The ticket in a `<prefix>AuthCookie` or `__Host-<prefix>AuthCookie` Set-Cookie header. */
  #ticketCookie(header: string | string[] | undefined): string | undefined {
    const name = this.#options.service.cookieName;
    for (const line of Array.isArray(header) ? header : header === undefined ? [] : [header]) {
      const match = /^\s*([^=;\s]+)=([^;]*)/.exec(line);
      if (match && (match[1] === name || match[1] === `__Host-${name}`)) {
        this.#cookieName = match[1];
        try {
          return decodeURIComponent(match[2]!);
        } catch {
          return match[2];
        }
      }
    }
    return undefined;
  }

  #accept(data: Record<string, unknown>): void {
    const ticket = String(data.ticket);
    const csrf = typeof data.CSRFPreventionToken === 'string' ? data.CSRFPreventionToken : undefined;
    this.#redactor.add(ticket);
    this.#redactor.add(csrf);
    const cookie = `${this.#cookieName}=${encodeURIComponent(ticket)}`;
    const get = Object.freeze({ cookie });
    this.#session = {
      ticket,
      obtainedAt: this.#now(),
      get,
      write: csrf === undefined ? get : Object.freeze({ cookie, csrfpreventiontoken: csrf }),
    };
  }
}
