/**
 * What the console commands need from the SDK: a terminal as a byte Duplex with resize()
 * (qemu serial, container console, node shell) and a VNC display as raw RFB bytes with its
 * one-time password. Declared by shape so that the CLI's plumbing stays independent of how
 * the SDK builds them.
 */
import type { Duplex } from 'node:stream';

export interface TerminalChannel extends Duplex {
  resize(cols: number, rows: number): void;
}

export interface VncChannel extends Duplex {
  /** The VNC password the viewer must give (vncproxy's `password`), if the server made one. */
  readonly password: string | undefined;
}
