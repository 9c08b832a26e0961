"""The benchmark's clients: each one's CPU use from its own cgroup, and, with several client
pods, a shared start time and the others' results, both through the API.

ATLS_CGROUP is the container's cgroup mount; ATLS_START_MARGIN and ATLS_SLOT_MARGIN (seconds)
shorten the schedule in tests; JOB_COMPLETION_INDEX is the client's index (set by Kubernetes)."""
import datetime
import json
import os
import time

from handshake_kube import api_get, pods_path, read_log

ENV = os.environ
CGROUP = ENV.get("ATLS_CGROUP", "/sys/fs/cgroup")
INDEX = int(ENV.get("JOB_COMPLETION_INDEX", "0"))
RESULT_TAG = "ATLS-RESULT "
# Seconds between the last client starting and the first load, and per target beyond the load
# (evidence reads, clock skew between nodes).
START_MARGIN = float(ENV.get("ATLS_START_MARGIN", "10"))
SLOT_MARGIN = float(ENV.get("ATLS_SLOT_MARGIN", "20"))
BARRIER_TIMEOUT = 600


def cpu_seconds():
    """CPU time this container used so far (cgroup v2 cpu.stat, v1 cpuacct.usage), or None."""
    try:
        with open(os.path.join(CGROUP, "cpu.stat")) as f:
            for line in f:
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
    except (OSError, ValueError):
        pass
    for d in ("cpuacct", "cpu,cpuacct"):
        try:
            with open(os.path.join(CGROUP, d, "cpuacct.usage")) as f:
                return int(f.read()) / 1e9
        except (OSError, ValueError):
            continue
    return None


def cpu_limit(configured):
    """Cores this container may use: the cgroup's quota (v2 cpu.max, v1 cfs), else the configured one."""
    try:
        with open(os.path.join(CGROUP, "cpu.max")) as f:
            quota, period = f.read().split()
        if quota != "max":
            return int(quota) / int(period)
    except (OSError, ValueError):
        pass
    for d in ("cpu", "cpu,cpuacct"):
        try:
            with open(os.path.join(CGROUP, d, "cpu.cfs_quota_us")) as f:
                quota = int(f.read())
            with open(os.path.join(CGROUP, d, "cpu.cfs_period_us")) as f:
                period = int(f.read())
            if quota > 0:
                return quota / period
        except (OSError, ValueError):
            continue
    return configured


def parse_time(value):
    return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def client_pods(clients):
    return api_get(pods_path(clients["namespace"], {"batch.kubernetes.io/job-name": clients["job"]}))["items"]


def start_time(clients):
    """The start shared by every client: a margin after the last one's container started."""
    deadline = time.time() + BARRIER_TIMEOUT
    while True:
        started = []
        for pod in client_pods(clients):
            for c in pod.get("status", {}).get("containerStatuses") or []:
                running = (c.get("state") or {}).get("running")
                if c.get("name") == "benchmark" and running:
                    started.append(parse_time(running["startedAt"]))
        if len(started) >= clients["pods"]:
            return max(started) + START_MARGIN
        if time.time() > deadline:
            raise RuntimeError("only %d of %d client pods started" % (len(started), clients["pods"]))
        time.sleep(1)


def sleep_until(t):
    time.sleep(max(0.0, t - time.time()))


def peer_results(clients):
    """The other clients' results, from their logs once they have all succeeded."""
    deadline = time.time() + BARRIER_TIMEOUT
    while True:
        pods = [p for p in client_pods(clients)
                if p["metadata"].get("annotations", {}).get("batch.kubernetes.io/job-completion-index") != str(INDEX)]
        done = [p for p in pods if p.get("status", {}).get("phase") == "Succeeded"]
        if len(done) >= clients["pods"] - 1:
            break
        if any(p.get("status", {}).get("phase") == "Failed" for p in pods) or time.time() > deadline:
            raise RuntimeError("%d of %d other client pods succeeded" % (len(done), clients["pods"] - 1))
        time.sleep(1)
    results = []
    for pod in done:
        text = read_log(clients["namespace"], pod["metadata"]["name"], "benchmark")
        results += [json.loads(line[len(RESULT_TAG):]) for line in text.splitlines() if line.startswith(RESULT_TAG)]
    return results


def combine(parts):
    """Clients' numbers for one target: throughput and errors summed, latency and CPU of the worst."""
    cpus = [p["cpu"] for p in parts]

    def worst(key):  # a client that completed nothing has no latency
        return max((p[key] for p in parts if p[key] is not None), default=None)
    return {
        "clients": len(parts), "qps": sum(p["qps"] for p in parts), "errors": sum(p["errors"] for p in parts),
        "p50": worst("p50"), "p99": worst("p99"),
        "cpu": None if None in cpus else max(cpus),
    }
