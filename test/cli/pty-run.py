"""Runs a command under a pseudo-terminal for the CLI tests; prints one JSON answer.

Spec (argv[1], JSON): {"argv": [...], "env": {...}, "cols": 20, "rows": 24,
"stderrPty": true, "send": [{"after": "Password", "text": "secret\\n"}], "timeout": 20}
Answer: {"out": <text the terminal showed>, "err": <stderr when not on the pty>, "code": N}
stdin and stdout are always the terminal; stderr too unless stderrPty is false.
"""
import fcntl
import json
import os
import pty
import select
import struct
import sys
import termios
import time

spec = json.loads(sys.argv[1])
err_r, err_w = os.pipe()
pid, fd = pty.fork()
if pid == 0:
    # The child sets the window size on its own terminal before anything can ask for it.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", spec.get("rows", 24), spec.get("cols", 80), 0, 0))
    if not spec.get("stderrPty", True):
        os.dup2(err_w, 2)
    os.close(err_r)
    os.close(err_w)
    os.execvpe(spec["argv"][0], spec["argv"], spec["env"])

os.close(err_w)
out = b""
err = b""
pending = list(spec.get("send", []))
deadline = time.time() + spec.get("timeout", 20)
open_fds = [fd, err_r]
while open_fds and time.time() < deadline:
    ready, _, _ = select.select(open_fds, [], [], 0.05)
    for r in ready:
        try:
            chunk = os.read(r, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            open_fds.remove(r)
            continue
        if r == fd:
            out += chunk
        else:
            err += chunk
    seen = (out + err).decode("utf-8", "replace")
    while pending and pending[0]["after"] in seen:
        os.write(fd, pending.pop(0)["text"].encode())
    if fd not in open_fds:
        break

code = None
for _ in range(100):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        code = os.waitstatus_to_exitcode(status)
        break
    time.sleep(0.05)
if code is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    code = -1
print(json.dumps({"out": out.decode("utf-8", "replace"), "err": err.decode("utf-8", "replace"), "code": code}))
