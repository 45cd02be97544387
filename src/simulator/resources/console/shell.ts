/**
 * The program on the far side of a simulated terminal: a getty-style login prompt and a
 * shell that answers a few commands, with the line discipline of a terminal in cooked
 * mode (echo, backspace, Ctrl-C, Ctrl-D). `stty size` and `tput` report the size the
 * client set with a resize message, so clients can check that resizing reaches the pty.
 */

import { StringDecoder } from 'node:string_decoder';

export interface ShellOptions {
  hostname: string;
  /** Printed once when the program starts. */
  banner: string;
  /** `prompt`: /bin/login asks for a user; `root`: `login -f root` (root@pam's node shell). */
  login: 'prompt' | 'root';
  /** What `exit` does: end the program (a node shell) or return to the login prompt (a getty). */
  onExit: 'end' | 'relogin';
  write(text: string): void;
  end(): void;
  size(): { cols: number; rows: number };
}

type State = 'login' | 'password' | 'shell';

export class SimulatedShell {
  #state: State;
  #line = '';
  #user = 'root';
  #status = 0;
  #ended = false;
  #batch: string[] | undefined;
  /** Input comes in pieces that may split a UTF-8 character. */
  readonly #decoder = new StringDecoder('utf8');

  constructor(private readonly o: ShellOptions) {
    this.#state = o.login === 'root' ? 'shell' : 'login';
    this.#write(o.banner);
    this.#prompt();
  }

  input(data: Buffer): void {
    // A terminal echoes a pasted line in one write, not one per character.
    this.#batch = [];
    try {
      for (const ch of this.#decoder.write(data)) {
        if (this.#ended) return;
        this.#key(ch);
      }
    } finally {
      this.#flush();
    }
  }

  #flush(): void {
    const out = this.#batch?.join('') ?? '';
    this.#batch = undefined;
    if (out !== '') this.o.write(out);
  }

  #write(text: string): void {
    if (this.#batch === undefined) this.o.write(text);
    else this.#batch.push(text);
  }

  #key(ch: string): void {
    const echo = this.#state !== 'password';
    if (ch === '\r' || ch === '\n') {
      this.#write('\r\n');
      const line = this.#line;
      this.#line = '';
      this.#submit(line);
    } else if (ch === '\x7f' || ch === '\b') {
      if (this.#line.length === 0) return;
      this.#line = [...this.#line].slice(0, -1).join('');
      if (echo) this.#write('\b \b');
    } else if (ch === '\x03') {
      this.#line = '';
      this.#write('^C\r\n');
      this.#status = 130;
      this.#prompt();
    } else if (ch === '\x04') {
      if (this.#line === '' && this.#state === 'shell') this.#exit();
    } else if (ch >= ' ') {
      this.#line += ch;
      if (echo) this.#write(ch);
    }
  }

  #prompt(): void {
    if (this.#state === 'login') this.#write(`${this.o.hostname} login: `);
    else if (this.#state === 'password') this.#write('Password: ');
    else
      this.#write(
        this.#user === 'root' ? `root@${this.o.hostname}:~# ` : `${this.#user}@${this.o.hostname}:~$ `,
      );
  }

  #submit(line: string): void {
    if (this.#state === 'login') {
      if (line.trim() !== '') {
        this.#user = line.trim();
        this.#state = 'password';
      }
    } else if (this.#state === 'password') {
      this.#write(`Linux ${this.o.hostname} 6.8.12-4-pve #1 SMP x86_64\r\n\r\n`);
      this.#state = 'shell';
    } else {
      const words = line
        .trim()
        .split(/\s+/)
        .filter((w) => w !== '');
      if (words[0] === 'exit' || words[0] === 'logout') {
        this.#exit();
        return;
      }
      if (words.length > 0) {
        const { out, status } = this.#run(words);
        this.#status = status;
        this.#write(out.replace(/\n/g, '\r\n'));
      }
    }
    this.#prompt();
  }

  #exit(): void {
    this.#write('logout\r\n');
    if (this.o.onExit === 'end') {
      this.#ended = true;
      this.#flush();
      this.o.end();
      return;
    }
    this.#state = 'login';
    this.#write(`\r\n${this.o.banner}`);
    this.#prompt();
  }

  #run([cmd = '', ...args]: string[]): { out: string; status: number } {
    const size = this.o.size();
    const ok = (out: string) => ({ out, status: 0 });
    switch (cmd) {
      case 'echo':
        return ok(`${args.map((a) => (a === '$?' ? String(this.#status) : a)).join(' ')}\n`);
      case 'hostname':
        return ok(`${this.o.hostname}\n`);
      case 'whoami':
        return ok(`${this.#user}\n`);
      case 'pwd':
        return ok(this.#user === 'root' ? '/root\n' : `/home/${this.#user}\n`);
      case 'uname':
        return ok(
          args.includes('-a') ? `Linux ${this.o.hostname} 6.8.12-4-pve #1 SMP x86_64 GNU/Linux\n` : 'Linux\n',
        );
      case 'stty':
        return args[0] === 'size' ? ok(`${size.rows} ${size.cols}\n`) : ok('');
      case 'tput':
        if (args[0] === 'cols') return ok(`${size.cols}\n`);
        if (args[0] === 'lines') return ok(`${size.rows}\n`);
        return { out: `tput: unknown terminfo capability '${args[0] ?? ''}'\n`, status: 4 };
      case 'seq':
        return ok(seq(args));
      case 'true':
        return ok('');
      case 'false':
        return { out: '', status: 1 };
      default:
        return { out: `-bash: ${cmd}: command not found\n`, status: 127 };
    }
  }
}

/** `seq LAST` or `seq FIRST LAST`, capped so that a typo cannot flood the client. */
function seq(args: string[]): string {
  const nums = args.map(Number);
  const [first, last] = nums.length >= 2 ? [nums[0]!, nums[1]!] : [1, nums[0] ?? 1];
  if (!Number.isInteger(first) || !Number.isInteger(last)) return `seq: invalid argument\n`;
  const lines: string[] = [];
  for (let i = first; i <= Math.min(last, first + 1_000_000); i++) lines.push(String(i));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
