"""Task polling as proxmoxer 1.2's users write it (1.2 has no proxmoxer.tools.Tasks)."""
import time


def wait_task(api, node, upid, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        status = api.nodes(node).tasks(upid).status.get()
        if status["status"] == "stopped":
            return status
        if time.monotonic() > deadline:
            raise RuntimeError("task %s did not finish" % upid)
        time.sleep(0.05)
