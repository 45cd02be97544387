"""proxmoxer (Debian's python3-proxmoxer) as a bench worker: the same JSON-lines jobs as
bench/workers/node-worker.ts. Concurrency is its natural form: a ThreadPoolExecutor with
N workers sharing one ProxmoxAPI. It cannot pin a certificate, so verify_ssl=False."""
import json
import logging
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import urllib3
from proxmoxer import ProxmoxAPI
from proxmoxer.backends import https as proxmoxer_https

# verify_ssl=False warns on every request and a 64-thread pool overflows urllib3's
# connection pool (it logs each discarded socket); both would only flood stderr.
urllib3.disable_warnings()
logging.disable(logging.CRITICAL)

target = json.loads(sys.argv[1])

# The renewal scenario moves this client's clock: proxmoxer times its ticket with get_time().
clock = {"offset": 0.0}
_real_get_time = proxmoxer_https.get_time
proxmoxer_https.get_time = lambda: _real_get_time() + clock["offset"]


def make(auth):
    common = dict(port=target["port"], user=target["user"], verify_ssl=False)
    if auth == "token":
        return ProxmoxAPI(target["host"], token_name=target["tokenName"],
                          token_value=target["tokenValue"], **common)
    return ProxmoxAPI(target["host"], password=target["password"], **common)


def get(api, path):
    node = api
    for segment in [s for s in path.split("/") if s]:
        node = getattr(node, segment)
    return node.get()


def counted_get(api, path, counts, lock):
    """One GET, counted in `counts` (under `lock`); any failure counts, the first is reported."""
    try:
        get(api, path)
        ok, err = True, None
    except Exception as error:
        ok, err = False, repr(error)[:300]
    with lock:
        if ok:
            counts["count"] += 1
        else:
            counts["failures"] += 1
            counts["firstError"] = counts["firstError"] or err


def cpu_us():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return int((u.ru_utime + u.ru_stime) * 1e6)


# Counters of the running closed loop; `progress` and `stop` read and end it from outside.
running = {"count": 0, "failures": 0, "firstError": None, "stopped": True}


def closed_loop(api_or_factory, path, concurrency, duration_ms):
    """Until the deadline, or without one (duration_ms None) until running["stopped"]."""
    global running
    lock = threading.Lock()
    counts = running = {"count": 0, "failures": 0, "firstError": None, "stopped": False}
    c0 = cpu_us()
    t0 = time.perf_counter()
    deadline = float("inf") if duration_ms is None else t0 + duration_ms / 1000
    try:
        api = api_or_factory() if callable(api_or_factory) else api_or_factory
    except Exception as error:  # a failed login fails the whole run, once
        counts["failures"] += 1
        counts["firstError"] = repr(error)[:300]
        return finish(counts, t0, c0)

    def caller():
        while not counts["stopped"] and time.perf_counter() < deadline:
            counted_get(api, path, counts, lock)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for f in [pool.submit(caller) for _ in range(concurrency)]:
            f.result()
    return finish(counts, t0, c0)


def storm(path, calls):
    """A fresh password client; proxmoxer logs in inside its constructor, which is timed too."""
    counts = {"count": 0, "failures": 0, "firstError": None}
    c0 = cpu_us()
    t0 = time.perf_counter()
    api = make("password")
    with ThreadPoolExecutor(max_workers=calls) as pool:
        futures = [pool.submit(get, api, path) for _ in range(calls)]
        for f in futures:
            try:
                f.result()
                counts["count"] += 1
            except Exception as error:
                counts["failures"] += 1
                counts["firstError"] = counts["firstError"] or repr(error)[:300]
    return finish(counts, t0, c0)


def large(api, path, repeats):
    get(api, "/version")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    times, cpu = [], []
    c0 = cpu_us()
    t0 = time.perf_counter()
    answer = get(api, path)
    times.append((time.perf_counter() - t0) * 1000)
    cpu.append((cpu_us() - c0) / 1000)
    peak_delta = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    items = len(answer) if isinstance(answer, list) else -1
    for _ in range(1, repeats):
        answer = None
        c0 = cpu_us()
        t0 = time.perf_counter()
        answer = get(api, path)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((cpu_us() - c0) / 1000)
    return {"items": items, "peakRssDelta": peak_delta, "heapHeld": -1, "timesMs": times, "cpuMs": cpu}


def inventory(api, concurrency):
    """GET /cluster/resources, then every guest's config and status, `concurrency` threads."""
    counts = {"count": 0, "failures": 0, "firstError": None}
    lock = threading.Lock()
    c0 = cpu_us()
    t0 = time.perf_counter()
    resources = get(api, "/cluster/resources")
    counts["count"] += 1
    paths = []
    for g in resources:
        if g["type"] in ("qemu", "lxc"):
            base = "/nodes/%s/%s/%s" % (g["node"], g["type"], g["vmid"])
            paths += [base + "/config", base + "/status/current"]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda path: counted_get(api, path, counts, lock), paths))
    return finish(counts, t0, c0)


def finish(counts, t0, c0):
    result = {"count": counts["count"], "failures": counts["failures"],
              "elapsedMs": (time.perf_counter() - t0) * 1000, "cpuUs": cpu_us() - c0}
    if counts["firstError"]:
        result["firstError"] = counts["firstError"]
    return result


def run(job, kept):
    kind = job["job"]
    if kind in ("throughput", "large", "inventory") and kept[0] is None:
        kept[0] = make("token")
    if kind == "throughput":
        return closed_loop(kept[0], job["path"], job["concurrency"], job["durationMs"])
    if kind == "storm":
        return storm(job["path"], job["calls"])
    if kind == "load":
        return closed_loop(lambda: make(job["auth"]), job["path"], job["concurrency"], None)
    if kind == "large":
        return large(kept[0], job["path"], job["repeats"])
    if kind == "inventory":
        return inventory(kept[0], job["concurrency"])
    raise ValueError("unknown job " + str(kind))


def main():
    """Jobs run one at a time on one thread; `concurrent` ones (the clock) are answered at once."""
    kept = [None]
    out = threading.Lock()
    jobs = ThreadPoolExecutor(max_workers=1)

    def answer(job, work):
        try:
            body = work()
        except Exception as error:
            body = {"error": repr(error)[:500]}
        body["id"] = job.get("id", 0)
        with out:
            print(json.dumps(body), flush=True)

    print(json.dumps({"client": "proxmoxer"}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        if job["job"] == "clock":
            clock["offset"] += job["ms"] / 1000
            answer(job, lambda: {"offset": clock["offset"] * 1000})
        elif job["job"] == "progress":
            answer(job, lambda: {"count": running["count"], "failures": running["failures"]})
        elif job["job"] == "stop":
            running["stopped"] = True
            answer(job, lambda: {})
        else:
            jobs.submit(answer, job, lambda job=job: run(job, kept))
    jobs.shutdown(wait=True)


main()
