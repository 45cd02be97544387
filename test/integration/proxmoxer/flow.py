"""Drive the HTTPS simulator with Debian's python3-proxmoxer, a client no one here wrote.

Reads {"host", "port", "ca", "node", "password_user", "password", "token_user",
"token_name", "token_value", "vmids": [a, b]} as JSON on stdin and prints one JSON
object with what it saw. Any exception ends the script with a non-zero status.
"""
import json
import sys

from polling import wait_task
from proxmoxer import ProxmoxAPI




def exercise(api, cfg, vmid):
    node = cfg["node"]
    seen = {"nodes": sorted(n["node"] for n in api.nodes.get())}
    create = api.nodes(node).qemu.post(vmid=vmid, name="proxmoxer-%d" % vmid, memory=512, cores=1)
    seen["create_upid"] = create
    seen["create_exit"] = wait_task(api, node, create)["exitstatus"]
    start = api.nodes(node).qemu(vmid).status.start.post()
    seen["start_exit"] = wait_task(api, node, start)["exitstatus"]
    seen["start_log"] = [line["t"] for line in api.nodes(node).tasks(start).log.get()]
    seen["status"] = api.nodes(node).qemu(vmid).status.current.get()["status"]
    return seen


def main():
    cfg = json.load(sys.stdin)
    common = dict(port=cfg["port"], verify_ssl=cfg["ca"], timeout=10)
    by_password = ProxmoxAPI(cfg["host"], user=cfg["password_user"], password=cfg["password"], **common)
    by_token = ProxmoxAPI(
        cfg["host"],
        user=cfg["token_user"],
        token_name=cfg["token_name"],
        token_value=cfg["token_value"],
        **common
    )
    result = {
        "password": exercise(by_password, cfg, cfg["vmids"][0]),
        "token": exercise(by_token, cfg, cfg["vmids"][1]),
        "version": by_password.version.get()["version"],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
