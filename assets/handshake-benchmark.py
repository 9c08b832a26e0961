#!/usr/bin/env python3
"""Handshake benchmark: fortio against each target in turn, then one table.

Every pod of the HandshakeBenchmark Job (one per client) runs this script. With several clients
they agree on a start time through the API and load each target together; the first (index 0)
reads Envoy's evidence before and after each load, collects the others' results from their logs
and prints the table.

Environment (the Job sets the in-cluster values; tests point it at local fakes):
ATLS_CONFIG (targets and flags, JSON), ATLS_FORTIO (fortio binary), ATLS_RESULTS (directory for
fortio's JSON), ATLS_KUBE_API, ATLS_KUBE_TOKEN, ATLS_KUBE_CA, ATLS_STATS_PORT, ATLS_CGROUP (the
container's cgroup mount), ATLS_START_MARGIN, ATLS_SLOT_MARGIN (seconds), JOB_COMPLETION_INDEX
(the client's index, set by Kubernetes).
"""
import datetime
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ENV = os.environ
CONFIG = ENV.get("ATLS_CONFIG", "/config/config.json")
FORTIO = ENV.get("ATLS_FORTIO", "/tools/fortio")
RESULTS = ENV.get("ATLS_RESULTS", "/results")
KUBE_API = ENV.get("ATLS_KUBE_API", "https://kubernetes.default.svc")
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
KUBE_TOKEN = ENV.get("ATLS_KUBE_TOKEN", SA_DIR + "/token")
KUBE_CA = ENV.get("ATLS_KUBE_CA", SA_DIR + "/ca.crt")
STATS_PORT = int(ENV.get("ATLS_STATS_PORT", "19001"))
CGROUP = ENV.get("ATLS_CGROUP", "/sys/fs/cgroup")
INDEX = int(ENV.get("JOB_COMPLETION_INDEX", "0"))

# Envoy creates a provider's stats in the scope of the listener that uses it:
# "listener.<address>." without a listener stat_prefix (Envoy Gateway sets none), whose address
# the default tag extraction turns into the envoy_listener_address label.
LISTENER_STATS = "envoy_listener_"
HANDSHAKES = "envoy_listener_ssl_handshake"
CLIENT_BOUND = 0.9  # share of the client's CPU limit above which a run measures the client
RESULT_TAG = "ATLS-RESULT "
# Seconds between the last client starting and the first load, and per target beyond the load
# (evidence reads, clock skew between nodes); tests shorten them.
START_MARGIN = float(ENV.get("ATLS_START_MARGIN", "10"))
SLOT_MARGIN = float(ENV.get("ATLS_SLOT_MARGIN", "20"))
BARRIER_TIMEOUT = 600


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def api_get(path, raw=False):
    """GET on the Kubernetes API with the ServiceAccount token: JSON, or text when raw."""
    url = KUBE_API + path
    with open(KUBE_TOKEN) as f:
        token = f.read().strip()
    ctx = ssl.create_default_context(cafile=KUBE_CA) if url.startswith("https:") else None
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
        body = r.read()
    return body.decode("utf-8", "replace") if raw else json.loads(body)


def pods_path(namespace, labels):
    selector = ",".join("%s=%s" % kv for kv in sorted(labels.items()))
    return "/api/v1/namespaces/%s/pods?labelSelector=%s" % (namespace, urllib.parse.quote(selector, safe=""))


def envoy_pods(target):
    """Names and IPs of the target's running Envoy pods, or None when the API cannot be asked."""
    try:
        pods = api_get(pods_path(target["envoyNamespace"], target["podLabels"]))["items"]
    except Exception as e:  # noqa: BLE001 -- any failure means "unknown", never a guess
        log("%s: cannot list Envoy pods: %s" % (target["name"], e))
        return None
    return [{"name": p["metadata"]["name"], "ip": p["status"]["podIP"]} for p in pods
            if p.get("status", {}).get("phase") == "Running" and p["status"].get("podIP")]


def parse_prometheus(text):
    """Sums every series of each metric name (labels dropped)."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_labels, _, rest = line.rpartition(" ")
        name = name_labels.split("{", 1)[0].strip()
        try:
            out[name] = out.get(name, 0.0) + float(rest)
        except ValueError:
            continue
    return out


def scrape(pods):
    """Summed stats of the pods, or None when any of them cannot be read."""
    if not pods:
        return None
    total = {}
    for pod in pods:
        ip = pod["ip"]
        host = "[%s]" % ip if ":" in ip else ip
        try:
            with urllib.request.urlopen("http://%s:%d/stats/prometheus" % (host, STATS_PORT), timeout=10) as r:
                stats = parse_prometheus(r.read().decode("utf-8", "replace"))
        except Exception as e:  # noqa: BLE001
            log("cannot read stats of pod %s: %s" % (ip, e))
            return None
        for k, v in stats.items():
            total[k] = total.get(k, 0.0) + v
    return total


def delta(before, after, names):
    """Rise of the named metrics, or None when none of them is published."""
    if not any(n in after for n in names):
        return None
    return sum(after.get(n, 0.0) - before.get(n, 0.0) for n in names)


def listener_stats(stats, suffixes):
    """Names of the listener-scoped stats ending in one of the suffixes (any listener prefix)."""
    return [n for n in stats if n.startswith(LISTENER_STATS) and any(n.endswith(s) for s in suffixes)]


def stats_verdict(target, evidence, before, after):
    """A provider that publishes a sample per batch of key operations: did batches rise?"""
    if before is None or after is None:
        return "unknown (Envoy stats unreadable)"
    kind = target["provider"]
    names = listener_stats(after, evidence["statSuffixes"])
    if not names:
        return "unknown (no %s stats published)" % kind
    batches = delta(before, after, names)
    if batches > 0:
        return "provider (%d batches)" % batches
    handshakes = delta(before, after, [HANDSHAKES]) or 0
    if handshakes <= 0:
        return "unknown (no handshakes counted)"
    key = target.get("keyType")
    if key in evidence["queuedKeyTypes"]:
        return "software (fallback: no %s batches in %d handshakes)" % (kind, handshakes)
    return "unknown (%s key: not always queued)" % (key or "undeclared")


def read_log(namespace, pod, container):
    return api_get("/api/v1/namespaces/%s/pods/%s/log?container=%s" % (
        namespace, urllib.parse.quote(pod, safe=""), urllib.parse.quote(container, safe="")), raw=True)


def pod_outcome(text, evidence):
    """The last provider message in a pod's log: ("provider", None), ("fallback", reason) or None.

    Envoy's default log format ends a line with "[<file>:<line>] <message>"."""
    outcome = None
    for line in text.splitlines():
        line = line.rstrip()
        if line.endswith("] " + evidence["started"]):
            outcome = ("provider", None)
            continue
        for message, reason in evidence["fallbacks"]:
            if line.endswith("] " + message):
                outcome = ("fallback", reason)
    return outcome


def logs_verdict(target, evidence, pods):
    """A provider that publishes no stats: what the Envoy pods logged when it was set up."""
    if pods is None:
        return "unknown (Envoy pods not listed)"
    if not pods:
        return "unknown (no running Envoy pod)"
    outcomes = []
    for pod in pods:
        try:
            text = read_log(target["envoyNamespace"], pod["name"], evidence["container"])
        except Exception as e:  # noqa: BLE001 -- unreadable logs are "unknown", never a guess
            return "unknown (logs of %s unreadable: %s)" % (pod["name"], e)
        outcomes.append((pod["name"], pod_outcome(text, evidence)))
    fallbacks = [(name, o[1]) for name, o in outcomes if o and o[0] == "fallback"]
    if fallbacks:
        reasons = sorted({r for _, r in fallbacks})
        where = "" if len(fallbacks) == len(outcomes) else " on %d of %d pods" % (len(fallbacks), len(outcomes))
        return "software (fallback%s: %s)" % (where, "; ".join(reasons))
    silent = [name for name, o in outcomes if o is None]
    if silent:
        return "unknown (no %s message in the log of %s: %s)" % (target["provider"], silent[0], evidence["silent"])
    return "provider (started on %d of %d pods)" % (len(outcomes), len(outcomes))


def verdict(target, before, after, pods):
    """Whether the provider handled the handshakes: provider, software, or unknown (never a guess)."""
    evidence = target.get("evidence")
    if target["provider"] == "software":
        return "software (baseline)"
    if evidence is None:
        return "unknown (%s leaves no evidence)" % target["provider"]
    if "statSuffixes" in evidence:
        return stats_verdict(target, evidence, before, after)
    return logs_verdict(target, evidence, pods)


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


def resolve(host):
    """fortio's -resolve takes an IP: resolve the Service name here (IPv4 first)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    infos.sort(key=lambda i: 0 if i[0] == socket.AF_INET else 1)
    return infos[0][4][0]


def percentile(result, p):
    for entry in result["DurationHistogram"].get("Percentiles") or []:
        if entry["Percentile"] == p:
            return entry["Value"] * 1000.0
    return float("nan")


def run_load(cfg, target):
    """One fortio load; this client's numbers and the share of its CPU limit it used."""
    out = os.path.join(RESULTS, "%s-client%d.json" % (target["name"], INDEX))
    url = "https://%s:%d/" % (cfg["hostname"], target["port"])
    args = [FORTIO, "load", "-c", str(cfg["concurrency"]), "-qps", str(cfg["qps"]), "-t", cfg["duration"],
            "-keepalive=false", "-k", "-r", "0.0001", "-resolve", resolve(target["host"]),
            "-labels", target["name"], "-json", out, "-loglevel", "Warning", url]
    log("== %s: %s" % (target["name"], " ".join(args)))
    cpu0, t0 = cpu_seconds(), time.monotonic()
    subprocess.run(args, check=True, stdout=sys.stderr)
    cpu1, wall = cpu_seconds(), time.monotonic() - t0
    with open(out) as f:
        result = json.load(f)
    used = None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / (wall * cpu_limit(cfg["clients"]["cpu"]))
    count = result["DurationHistogram"]["Count"]
    return {
        "target": target["name"], "client": INDEX, "qps": result["ActualQPS"], "p50": percentile(result, 50),
        "p99": percentile(result, 99), "errors": count - result.get("RetCodes", {}).get("200", 0), "cpu": used,
    }


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
    return {
        "clients": len(parts), "qps": sum(p["qps"] for p in parts), "errors": sum(p["errors"] for p in parts),
        "p50": max(p["p50"] for p in parts), "p99": max(p["p99"] for p in parts),
        "cpu": None if None in cpus else max(cpus),
    }


def table_rows(rows):
    header = ["target", "provider", "clients", "qps", "p50 ms", "p99 ms", "ratio", "errors", "handshakes",
              "client cpu", "accelerated"]
    body = []
    for r in rows:
        ratio = "baseline" if r["ratio"] is None else "%.2f" % r["ratio"]
        if r["ratio"] is not None and not r["trustworthy"]:
            ratio += " (untrustworthy)"
        cpu = "-" if r["cpu"] is None else "%d%%%s" % (round(r["cpu"] * 100), " client-bound" if r["clientBound"] else "")
        body.append([r["target"], r["provider"], str(r["clients"]), "%.1f" % r["qps"], "%.2f" % r["p50"],
                     "%.2f" % r["p99"], ratio, str(r["errors"]), "-" if r["handshakes"] is None else "%d" % r["handshakes"],
                     cpu, r["accelerated"]])
    return [header] + body


def report(cfg, rows):
    qps = {r["target"]: r for r in rows}
    for r in rows:
        r["clientBound"] = r["cpu"] is not None and r["cpu"] > CLIENT_BOUND
    for r in rows:
        base = qps.get(r["baseline"]) if r["baseline"] else None
        r["ratio"] = r["qps"] / base["qps"] if base and base["qps"] else None
        # Either side capped by its client compares clients, not providers.
        r["trustworthy"] = base is not None and not r["clientBound"] and not base["clientBound"]
    with open(os.path.join(RESULTS, "summary.json"), "w") as f:
        json.dump(rows, f, indent=1)
    table = table_rows(rows)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    print("HANDSHAKE BENCHMARK (c=%s qps=%s t=%s keepalive=false sni=%s clients=%d cpu=%s)" % (
        cfg["concurrency"], cfg["qps"], cfg["duration"], cfg["hostname"], cfg["clients"]["pods"], cfg["clients"]["cpu"]))
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    if any(r["clientBound"] for r in rows):
        print("client-bound: a client used more than %d%% of its CPU limit, so that run measured the client; "
              "ratios marked untrustworthy involve one. Give the clients more cpu, or more clientPods." % round(CLIENT_BOUND * 100))


def main():
    with open(CONFIG) as f:
        cfg = json.load(f)
    os.makedirs(RESULTS, exist_ok=True)
    clients = cfg["clients"]
    seconds = int(cfg["duration"].rstrip("s"))
    leader = INDEX == 0
    t0 = start_time(clients) if clients["pods"] > 1 else None
    own, evidence = {}, {}
    for i, target in enumerate(cfg["targets"]):
        start = None if t0 is None else t0 + i * (seconds + SLOT_MARGIN)
        before = scrape(envoy_pods(target)) if leader else None
        if start is not None:
            sleep_until(start)
        own[target["name"]] = result = run_load(cfg, target)
        print(RESULT_TAG + json.dumps(result), flush=True)
        if leader:
            if start is not None:
                sleep_until(start + seconds + SLOT_MARGIN / 4)  # every client's load is over
            pods = envoy_pods(target)
            after = scrape(pods)
            evidence[target["name"]] = {
                "handshakes": None if before is None or after is None else delta(before, after, [HANDSHAKES]),
                "accelerated": verdict(target, before, after, pods),
            }
    if not leader:
        return 0
    parts = {name: [r] for name, r in own.items()}
    if clients["pods"] > 1:
        for r in peer_results(clients):
            parts[r["target"]].append(r)
    rows = [dict(target=t["name"], provider=t["provider"], baseline=t.get("baseline"),
                 **combine(parts[t["name"]]), **evidence[t["name"]]) for t in cfg["targets"]]
    report(cfg, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
