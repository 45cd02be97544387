import { describe, expect, it } from 'vitest';
import { parseFailure, parseShellOutput, parseSuccess } from '../../../src/transports/shell/output.js';

const UPID = 'UPID:pve1:000A1B2C:0123ABCD:6560F00D:qmcreate:100:root@pam:';

describe('parseShellOutput on exit 0', () => {
  it('parses JSON on stdout into the data envelope', () => {
    const res = parseShellOutput({ stdout: '[{"node":"pve1"}]\n', stderr: '', exitCode: 0 });
    expect(res).toEqual({ status: 200, statusText: 'OK', headers: {}, body: { data: [{ node: 'pve1' }] } });
  });

  it('gives data null for empty stdout', () => {
    expect(parseShellOutput({ stdout: '', stderr: '', exitCode: 0 }).body).toEqual({ data: null });
  });

  it('treats stderr warnings on success as warnings, not errors', () => {
    const res = parseShellOutput({
      stdout: '{"version":"8.2.4"}',
      stderr: "WARN: 500 MB left on storage 'local'\n",
      exitCode: 0,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { version: '8.2.4' } });
    expect(res.headers['x-shell-stderr']).toMatch(/500 MB/);
  });

  it('returns a UPID as the task result, quoted or bare, also after task log lines', () => {
    expect(parseSuccess(`"${UPID}"\n`)).toBe(UPID);
    expect(parseSuccess(`${UPID}\n`)).toBe(UPID);
    expect(parseSuccess(`starting file import\nfinished\n${UPID}\n`)).toBe(UPID);
  });

  it('keeps other plain text as a string', () => {
    expect(parseSuccess('hello world\n')).toBe('hello world');
    expect(parseSuccess('0\n')).toBe(0);
  });
});

describe('parseShellOutput on failure', () => {
  it('takes the status from an `NNN reason` line and parses parameter errors of a 400', () => {
    const res = parseShellOutput({
      stdout: '',
      stderr:
        '400 Parameter verification failed.\nvmid: invalid format - value does not look like a valid VM ID\nmemory: value must have a minimum value of 16\n',
      exitCode: 255,
    });
    expect(res.status).toBe(400);
    expect(res.statusText).toBe('Parameter verification failed.');
    expect(res.body).toEqual({
      data: null,
      message: 'Parameter verification failed.',
      errors: {
        vmid: 'invalid format - value does not look like a valid VM ID',
        memory: 'value must have a minimum value of 16',
      },
    });
  });

  it('finds the status line after warnings', () => {
    const res = parseShellOutput({
      stdout: '',
      stderr: 'WARN: something\n403 Permission check failed (/vms/100, VM.Allocate)\n',
      exitCode: 2,
    });
    expect(res.status).toBe(403);
    expect(res.statusText).toBe('Permission check failed (/vms/100, VM.Allocate)');
  });

  it('does not read digits inside a message as a status', () => {
    for (const stderr of [
      "unable to find configuration file for VM 100 on node 'pve1'\n",
      'Configuration file nodes/pve1/qemu-server/404.conf does not exist\n',
      'error at line 500: 404 things\n',
      'timeout after 300 seconds\n',
      '  404 indented is not a status line\n',
      '4040 too many digits\n',
    ]) {
      const res = parseShellOutput({ stdout: '', stderr, exitCode: 255 });
      expect(res.status, stderr).toBe(500);
      expect((res.body as { message: string }).message).toBe(stderr.trim());
    }
  });

  it('keeps the server message and reason for other statuses', () => {
    const res = parseShellOutput({ stdout: '', stderr: '404 Not Found\nno such resource\n', exitCode: 255 });
    expect(res.status).toBe(404);
    expect(res.statusText).toBe('Not Found');
    expect(res.body).toEqual({ data: null, message: 'Not Found\nno such resource' });
  });

  it('describes an empty stderr by exit status or signal', () => {
    expect(parseFailure('', 3).message).toBe('exited with status 3');
    expect(parseFailure('', null, 'SIGKILL').message).toBe('killed by signal SIGKILL');
  });

  it('only parses `name: message` lines as parameter errors on a 400', () => {
    const res = parseShellOutput({
      stdout: '',
      stderr: '500 internal error\nreason: disk full\n',
      exitCode: 255,
    });
    expect(res.body).toEqual({ data: null, message: 'internal error\nreason: disk full' });
  });
});
