"""Whether a key provider handled a target's handshakes, from Envoy's own evidence: the stats
of its pods (ATLS_STATS_PORT, /stats/prometheus) or their logs, as the target's config describes
(its provider's evidence, from the library's provider kinds)."""
import os
import urllib.request

from handshake_kube import log, read_log

STATS_PORT = int(os.environ.get("ATLS_STATS_PORT", "19001"))
# Envoy creates a provider's stats in the scope of the listener that uses it:
# "listener.<address>." without a listener stat_prefix (Envoy Gateway sets none), whose address
# the default tag extraction turns into the envoy_listener_address label.
LISTENER_STATS = "envoy_listener_"
HANDSHAKES = "envoy_listener_ssl_handshake"


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
