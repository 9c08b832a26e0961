#!/usr/bin/env python3
"""Handshake benchmark: fortio against each target in turn, then one table."""
import json
import os
import socket
import ssl
import subprocess
import sys
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

# Samples of the provider's queue-size histograms: one per batch of private-key operations.
PROVIDER_STATS = {
    "cryptomb": ["envoy_cryptomb_rsa_queue_sizes_count", "envoy_cryptomb_ecdsa_queue_sizes_count"],
}
HANDSHAKES = "envoy_listener_ssl_handshake"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def envoy_pods(target):
    """IPs of the target's running Envoy pods, or None when the API cannot be asked."""
    selector = ",".join("%s=%s" % kv for kv in sorted(target["podLabels"].items()))
    url = "%s/api/v1/namespaces/%s/pods?labelSelector=%s" % (
        KUBE_API, target["envoyNamespace"], urllib.parse.quote(selector, safe=""))
    try:
        with open(KUBE_TOKEN) as f:
            token = f.read().strip()
        ctx = ssl.create_default_context(cafile=KUBE_CA) if url.startswith("https:") else None
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
            pods = json.load(r)["items"]
    except Exception as e:  # noqa: BLE001 -- any failure means "unknown", never a guess
        log("%s: cannot list Envoy pods: %s" % (target["name"], e))
        return None
    return [p["status"]["podIP"] for p in pods
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
    for ip in pods:
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


def verdict(target, before, after):
    """Whether the provider handled the handshakes: provider, software, or unknown (never a guess)."""
    kind = target["provider"]
    if kind == "software":
        return "software (baseline)"
    if before is None or after is None:
        return "unknown (Envoy stats unreadable)"
    names = PROVIDER_STATS.get(kind)
    if names is None:
        return "unknown (%s publishes no stats)" % kind
    handshakes = delta(before, after, [HANDSHAKES]) or 0
    batches = delta(before, after, names)
    if batches is None:
        return "unknown (no %s stats published)" % kind
    if batches > 0:
        return "provider (%d batches)" % batches
    if handshakes <= 0:
        return "unknown (no handshakes counted)"
    # RSA operations always go through the provider's queue; ECDSA signing may not.
    if target.get("keyType") == "RSA":
        return "software (fallback)"
    return "unknown (%s key: not always queued)" % (target.get("keyType") or "undeclared")


def resolve(host):
    """fortio's -resolve takes an IP: resolve the Service name here (IPv4 first)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    infos.sort(key=lambda i: 0 if i[0] == socket.AF_INET else 1)
    return infos[0][4][0]


def run_load(cfg, target):
    out = os.path.join(RESULTS, target["name"] + ".json")
    url = "https://%s:%d/" % (cfg["hostname"], target["port"])
    args = [FORTIO, "load", "-c", str(cfg["concurrency"]), "-qps", str(cfg["qps"]), "-t", cfg["duration"],
            "-keepalive=false", "-k", "-r", "0.0001", "-resolve", resolve(target["host"]),
            "-labels", target["name"], "-json", out, "-loglevel", "Warning", url]
    log("== %s: %s" % (target["name"], " ".join(args)))
    subprocess.run(args, check=True, stdout=sys.stderr)
    with open(out) as f:
        return json.load(f)


def percentile(result, p):
    for entry in result["DurationHistogram"].get("Percentiles") or []:
        if entry["Percentile"] == p:
            return entry["Value"] * 1000.0
    return float("nan")


def main():
    with open(CONFIG) as f:
        cfg = json.load(f)
    os.makedirs(RESULTS, exist_ok=True)
    rows = []
    for target in cfg["targets"]:
        pods = envoy_pods(target)
        before = scrape(pods)
        result = run_load(cfg, target)
        after = scrape(envoy_pods(target))
        ok = result.get("RetCodes", {}).get("200", 0)
        rows.append({
            "target": target["name"], "provider": target["provider"], "baseline": target.get("baseline"),
            "qps": result["ActualQPS"], "p50": percentile(result, 50), "p99": percentile(result, 99),
            "errors": result["DurationHistogram"]["Count"] - ok,
            "handshakes": None if before is None or after is None else delta(before, after, [HANDSHAKES]),
            "accelerated": verdict(target, before, after),
        })
    qps = {r["target"]: r["qps"] for r in rows}
    for r in rows:
        base = qps.get(r["baseline"]) if r["baseline"] else None
        r["ratio"] = r["qps"] / base if base else None
    with open(os.path.join(RESULTS, "summary.json"), "w") as f:
        json.dump(rows, f, indent=1)
    header = ["target", "provider", "qps", "p50 ms", "p99 ms", "ratio", "errors", "handshakes", "accelerated"]
    table = [header] + [[
        r["target"], r["provider"], "%.1f" % r["qps"], "%.2f" % r["p50"], "%.2f" % r["p99"],
        ("%.2f" % r["ratio"]) if r["ratio"] is not None else "baseline",
        str(r["errors"]), "-" if r["handshakes"] is None else "%d" % r["handshakes"], r["accelerated"],
    ] for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print("HANDSHAKE BENCHMARK (c=%s qps=%s t=%s keepalive=false sni=%s)" % (
        cfg["concurrency"], cfg["qps"], cfg["duration"], cfg["hostname"]))
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
