"""More of python3-proxmoxer against the HTTPS simulators, the way its users write it.

Debian's proxmoxer is 1.2.0, which has no proxmoxer.tools (Tasks, Files came with 2.0),
so tasks are polled by hand and files go up through `upload.post(filename=open(...))`,
as 1.2's users do. Reads {"host", "pve_port", "pbs_port", "ca", "node", "root_password",
"tfa_user", "tfa_password", "tfa_code", "iso", "vmid"} as JSON on stdin and prints one
JSON object: per step, what it saw or the exception it got ({"raised": name, ...}).
"""
import json
import sys

from polling import wait_task
from proxmoxer import ProxmoxAPI
from proxmoxer.backends.https import AuthenticationError
from proxmoxer.core import ResourceException




def raised(error):
    out = {"raised": type(error).__name__, "text": str(error)}
    if isinstance(error, ResourceException):
        out.update(status_code=error.status_code, content=error.content, errors=error.errors)
    return out


def step(results, name, fn):
    try:
        results[name] = fn()
    except Exception as error:  # each step reports what it got, the test judges it
        results[name] = raised(error)


def main():
    cfg = json.load(sys.stdin)
    node = cfg["node"]
    common = dict(verify_ssl=cfg["ca"], timeout=10)
    pve = ProxmoxAPI(cfg["host"], port=cfg["pve_port"], user="root@pam", password=cfg["root_password"], **common)
    results = {}

    def upload():
        with open(cfg["iso"], "rb") as iso:
            upid = pve.nodes(node).storage("local").upload.post(content="iso", filename=iso)
        exit_status = wait_task(pve, node, upid)["exitstatus"]
        names = [c["volid"] for c in pve.nodes(node).storage("local").content.get(content="iso")]
        return {"upid": upid, "exit": exit_status, "volids": names}

    step(results, "upload", upload)

    def task_log_paging():
        vmid = cfg["vmid"]
        wait_task(pve, node, pve.nodes(node).qemu.post(vmid=vmid, memory=512))
        upid = pve.nodes(node).qemu(vmid).status.start.post()
        wait_task(pve, node, upid)
        whole = pve.nodes(node).tasks(upid).log.get()
        first = pve.nodes(node).tasks(upid).log.get(start=0, limit=1)
        listed = [t["upid"] for t in pve.nodes(node).tasks.get(vmid=vmid)]
        return {"whole": len(whole), "first": first, "listed": upid in listed}

    step(results, "task_log_paging", task_log_paging)

    def config_change():
        vmid = cfg["vmid"]
        pve.nodes(node).qemu(vmid).config.put(description="set by proxmoxer", cores=2)
        pve.nodes(node).qemu(vmid).config.put(delete="description")
        config = pve.nodes(node).qemu(vmid).config.get()
        return {"cores": config.get("cores"), "description": config.get("description")}

    step(results, "config_change", config_change)

    # Python's True goes out as 'True' (requests' form encoding): PVE takes only 1/0.
    step(results, "python_true", lambda: pve.nodes(node).qemu.get(full=True))
    step(results, "one", lambda: len(pve.nodes(node).qemu.get(full=1)) > 0)
    step(results, "missing_vm", lambda: pve.nodes(node).qemu(999999).config.get())

    def stop_and_destroy():
        vmid = cfg["vmid"]
        wait_task(pve, node, pve.nodes(node).qemu(vmid).status.stop.post())
        upid = pve.nodes(node).qemu(vmid).delete(purge=1)
        return {"exit": wait_task(pve, node, upid)["exitstatus"], "left": vmid in [v["vmid"] for v in pve.nodes(node).qemu.get()]}

    step(results, "stop_and_destroy", stop_and_destroy)

    # The ticket as the password renews it (PVE/API2/AccessControl.pm create_ticket_do).
    def renewal():
        ticket, _csrf = pve.get_tokens()
        again = ProxmoxAPI(cfg["host"], port=cfg["pve_port"], user="root@pam", password=ticket, **common)
        # Not `!= ticket`: a ticket is the user and the time in seconds, signed (pve-common PVE/Ticket.pm
        # assemble_rsa_ticket), so one renewed within the same second is the same text. The test counts the renewal
        # on the simulator's side instead.
        return {"renewed": again.get_tokens()[0].startswith("PVE:root@pam:"), "version": again.version.get()["release"]}

    step(results, "renewal", renewal)

    # proxmoxer 1.2 sends the bare code in `otp`, for the login API PVE 8 dropped.
    step(
        results,
        "otp",
        lambda: ProxmoxAPI(
            cfg["host"], port=cfg["pve_port"], user=cfg["tfa_user"], password=cfg["tfa_password"],
            otp=cfg["tfa_code"], **common
        ).version.get(),
    )
    step(
        results,
        "wrong_password",
        lambda: ProxmoxAPI(cfg["host"], port=cfg["pve_port"], user="root@pam", password="wrong", **common),
    )

    def pbs():
        api = ProxmoxAPI(
            cfg["host"], port=cfg["pbs_port"], service="PBS", user="root@pam", password=cfg["root_password"], **common
        )
        stores = [d["store"] for d in api.admin.datastore.get()]
        upid = api.admin.datastore(stores[0]).gc.post()
        # PBS's own client asks `localhost` for any task (tasks.rs reads the node from the UPID).
        status = wait_task(api, "localhost", upid)
        return {"stores": stores, "gc_exit": status["exitstatus"], "tasks": len(api.nodes("localhost").tasks.get()) > 0}

    step(results, "pbs", pbs)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
