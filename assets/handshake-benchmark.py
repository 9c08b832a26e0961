#!/usr/bin/env python3
"""Handshake benchmark: fortio against each target in turn, then one table.

Every pod of the HandshakeBenchmark Job (one per client) runs this script, next to its modules
handshake_kube, handshake_evidence, handshake_health and handshake_clients. With several clients
they agree on a start time through the API and load each target together; the first (index 0)
reads Envoy's evidence before and after each load, collects the others' results from their logs
and prints the table. A target that completes no request still gets its row and a verdict.

Environment (the Job sets the in-cluster values; tests point it at local fakes): ATLS_CONFIG
(targets and flags, JSON), ATLS_FORTIO (fortio binary), ATLS_RESULTS (directory for fortio's
JSON), and those of the modules.
"""
import json
import os
import socket
import subprocess
import sys
import time

from handshake_clients import (
    INDEX, RESULT_TAG, SLOT_MARGIN, combine, cpu_limit, cpu_seconds, peer_results, sleep_until, start_time,
)
from handshake_evidence import HANDSHAKES, delta, scrape, verdict
from handshake_health import read_series, secret_rejected
from handshake_kube import envoy_pods, log

ENV = os.environ
CONFIG = ENV.get("ATLS_CONFIG", "/config/config.json")
FORTIO = ENV.get("ATLS_FORTIO", "/tools/fortio")
RESULTS = ENV.get("ATLS_RESULTS", "/results")
CLIENT_BOUND = 0.9  # share of the client's CPU limit above which a run measures the client


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


def fortio(args):
    """Runs fortio, its output passed on to stderr as it comes; its exit status and the errors it
    logged (fortio logs one JSON object per line when stderr is not a terminal)."""
    proc = subprocess.Popen(args, stdout=sys.stderr, stderr=subprocess.PIPE, text=True, errors="replace")
    failed = []
    for line in proc.stderr:
        sys.stderr.write(line)
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("level") in ("err", "crit", "fatal"):
            failed.append(entry)
    sys.stderr.flush()
    return proc.wait(), failed


def failure_reason(failed, status):
    """The last error fortio logged, without its addresses: "Unable to TLS connect: connection reset by peer"."""
    if not failed:
        return "fortio exited %d" % status
    last = failed[-1]
    err = str(last.get("err") or "").rpartition(": ")[2]
    return "%s: %s" % (last.get("msg", "error"), err) if err else str(last.get("msg", "error"))


def run_load(cfg, target):
    """One fortio load; this client's numbers and the share of its CPU limit it used."""
    out = os.path.join(RESULTS, "%s-client%d.json" % (target["name"], INDEX))
    url = "https://%s:%d/" % (cfg["hostname"], target["port"])
    args = [FORTIO, "load", "-c", str(cfg["concurrency"]), "-qps", str(cfg["qps"]), "-t", cfg["duration"],
            "-keepalive=false", "-k", "-r", "0.0001", "-resolve", resolve(target["host"]),
            "-labels", target["name"], "-json", out, "-loglevel", "Warning", url]
    log("== %s: %s" % (target["name"], " ".join(args)))
    cpu0, t0 = cpu_seconds(), time.monotonic()
    status, failed = fortio(args)
    cpu1, wall = cpu_seconds(), time.monotonic() - t0
    used = None if cpu0 is None or cpu1 is None else (cpu1 - cpu0) / (wall * cpu_limit(cfg["clients"]["cpu"]))
    if status != 0 or not os.path.exists(out):
        # fortio aborts when its first requests fail (a target resetting every connection): the
        # target still gets its row, with the requests fortio reported failed and why.
        log("== %s: fortio exited %d" % (target["name"], status))
        return {
            "target": target["name"], "client": INDEX, "qps": 0.0, "p50": None, "p99": None,
            "errors": len(failed), "cpu": used, "failure": failure_reason(failed, status),
        }
    with open(out) as f:
        result = json.load(f)
    count = result["DurationHistogram"]["Count"]
    return {
        "target": target["name"], "client": INDEX, "qps": result["ActualQPS"], "p50": percentile(result, 50),
        "p99": percentile(result, 99), "errors": count - result.get("RetCodes", {}).get("200", 0), "cpu": used,
    }


def failed_verdict(target, pods, reason):
    """A load that completed nothing: Envoy rejected the target's Secret, or unknown with fortio's reason."""
    message = secret_rejected(read_series(pods), target["provider"], target.get("secret"))
    return "rejected (%s)" % message if message else "unknown (no handshake completed: %s)" % reason


def table_rows(rows):
    header = ["target", "provider", "clients", "qps", "p50 ms", "p99 ms", "ratio", "errors", "handshakes",
              "client cpu", "accelerated"]
    body = []
    for r in rows:
        failed = "failure" in r  # no latency and no ratio: nothing was served
        if r["ratio"] is None:
            ratio = "-" if failed or r["baseline"] else "baseline"
        else:
            ratio = "%.2f" % r["ratio"] + ("" if r["trustworthy"] else " (untrustworthy)")
        cpu = "-" if r["cpu"] is None else "%d%%%s" % (round(r["cpu"] * 100), " client-bound" if r["clientBound"] else "")
        p50, p99 = ("-", "-") if failed else ("%.2f" % r["p50"], "%.2f" % r["p99"])
        body.append([r["target"], r["provider"], str(r["clients"]), "%.1f" % r["qps"], p50, p99, ratio, str(r["errors"]),
                     "-" if r["handshakes"] is None else "%d" % r["handshakes"], cpu, r["accelerated"]])
    return [header] + body


def report(cfg, rows):
    by_target = {r["target"]: r for r in rows}
    for r in rows:
        r["clientBound"] = r["cpu"] is not None and r["cpu"] > CLIENT_BOUND
    for r in rows:
        base = by_target.get(r["baseline"]) if r["baseline"] else None
        r["ratio"] = r["qps"] / base["qps"] if base and base["qps"] and "failure" not in r else None
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
                "accelerated": verdict(target, before, after, pods) if "failure" not in result
                else failed_verdict(target, pods, result["failure"]),
            }
            if "failure" in result:
                evidence[target["name"]]["failure"] = result["failure"]
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
