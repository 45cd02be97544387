/** PMG quarantine (spam mails per receiver, welcome and block lists) and rule database object groups. */

export interface QuarantinedMail {
  id: string;
  receiver: string;
  from: string;
  sender: string;
  subject: string;
  /** Seconds since the epoch. */
  time: number;
  bytes: number;
  spamlevel: number;
}

export interface RuleObject {
  id: number;
  /** `email`, `domain`, `ip`, ... */
  otype: string;
  value: string;
}

export interface ObjectGroup {
  id: number;
  name: string;
  info: string;
  objects: RuleObject[];
}

export class PmgState {
  mails: QuarantinedMail[] = [];
  readonly whitelist = new Map<string, Set<string>>();
  readonly blacklist = new Map<string, Set<string>>();
  /** `who`, `what`, `when`, `action` groups by kind. */
  readonly groups = new Map<string, Map<number, ObjectGroup>>();
  #nextId = 100;

  nextId(): number {
    return this.#nextId++;
  }

  kind(kind: string): Map<number, ObjectGroup> {
    let map = this.groups.get(kind);
    if (!map) {
      map = new Map();
      this.groups.set(kind, map);
    }
    return map;
  }
}

export const QUARANTINE_USERS = ['alice@example.com', 'bob@example.com'];

export function demoPmg(nowMs: number, withContent: boolean): PmgState {
  const state = new PmgState();
  const who = state.kind('who');
  const blocklist: ObjectGroup = {
    id: state.nextId(),
    name: 'Blacklist',
    info: 'Senders always blocked',
    objects: [],
  };
  const allowlist: ObjectGroup = {
    id: state.nextId(),
    name: 'Whitelist',
    info: 'Senders always accepted',
    objects: [],
  };
  who.set(blocklist.id, blocklist);
  who.set(allowlist.id, allowlist);
  const spamGroup: ObjectGroup = {
    id: state.nextId(),
    name: 'Spam (Level 5)',
    info: 'Spam score 5 and above',
    objects: [],
  };
  state.kind('what').set(spamGroup.id, spamGroup);
  const office: ObjectGroup = {
    id: state.nextId(),
    name: 'Office Hours',
    info: 'Mon-Fri 8:00-17:00',
    objects: [],
  };
  state.kind('when').set(office.id, office);
  if (!withContent) return state;
  blocklist.objects.push({ id: state.nextId(), otype: 'email', value: 'spammer@spam.example' });
  allowlist.objects.push({ id: state.nextId(), otype: 'domain', value: 'partner.example' });
  const now = Math.floor(nowMs / 1000);
  let n = 1;
  for (const receiver of QUARANTINE_USERS) {
    for (let i = 0; i < 3; i++, n++) {
      state.mails.push({
        id: `C${n}R${i}T${1000 + n}`,
        receiver,
        from: `offers${i}@spam.example`,
        sender: `offers${i}@spam.example`,
        subject: `Unbeatable offer #${n}`,
        time: now - n * 3600,
        bytes: 2048 + n * 100,
        spamlevel: 6 + i,
      });
    }
  }
  state.whitelist.set('alice@example.com', new Set(['friend@partner.example']));
  return state;
}
