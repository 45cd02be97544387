/**
 * The entry point: `const wf = workflows(px)`. A function beside the client rather than a
 * member of it, so a client that never uses workflows loads none of this code, and the
 * client keeps knowing only paths (DESIGN.md: helpers sit on the typed API, not inside it).
 */
import { type BulkOptions, type BulkResult, bulk } from './bulk.js';
import { type PveClient, WorkflowClient, type WorkflowOptions } from './client.js';
import {
  type EnsureAclOptions,
  type EnsureTokenOptions,
  type EnsureUserOptions,
  ensureAcl,
  ensureToken,
  ensureUser,
} from './ensure-access.js';
import { ensureFirewallRule, type FirewallRule, type FirewallScope } from './ensure-firewall.js';
import { type EnsureGuestOptions, ensureGuest } from './ensure-guest.js';
import { Guests } from './guests.js';

export interface Workflows {
  /** Guests by id or name across the cluster. */
  readonly guests: Guests;
  /** Runs `operation` on every item, `concurrency` at a time, with a result per item. */
  bulk<I, R>(
    items: Iterable<I>,
    operation: (item: I, signal: AbortSignal | undefined) => Promise<R>,
    options?: BulkOptions<I, R>,
  ): Promise<BulkResult<I, R>>;
  /** Idempotent helpers: each creates or corrects, and reports what it changed. */
  readonly ensure: {
    guest(options: EnsureGuestOptions): ReturnType<typeof ensureGuest>;
    user(options: EnsureUserOptions): ReturnType<typeof ensureUser>;
    token(options: EnsureTokenOptions): ReturnType<typeof ensureToken>;
    acl(options: EnsureAclOptions): ReturnType<typeof ensureAcl>;
    firewallRule(
      scope: FirewallScope,
      rule: FirewallRule,
      options?: WorkflowOptions,
    ): ReturnType<typeof ensureFirewallRule>;
  };
}

export function workflows(px: PveClient): Workflows {
  const c = new WorkflowClient(px);
  return {
    guests: new Guests(c),
    bulk,
    ensure: {
      guest: (o) => ensureGuest(c, o),
      user: (o) => ensureUser(c, o),
      token: (o) => ensureToken(c, o),
      acl: (o) => ensureAcl(c, o),
      firewallRule: (scope, rule, o) => ensureFirewallRule(c, scope, rule, o),
    },
  };
}
