"""Whether Envoy serves a listener's certificate at all, from its own stats: an SDS update of the
listener's Secret that Envoy rejected, and connections it reset because no certificate was ready.

When Envoy cannot load a Secret's private key provider (an image without the extension), it
rejects the Secret but still activates the listener without a certificate: every TLS connection
is reset after its ClientHello while /ready answers 200 and the Gateway stays Programmed. These
two stats are then the only traces on the data plane (the message itself is in Envoy's log)."""
import re
import urllib.request

from handshake_evidence import LISTENER_STATS, STATS_PORT
from handshake_kube import log

SDS_REJECTED = "envoy_sds_update_rejected"
SDS_RESOURCE_LABEL = "envoy_xds_resource_name"
# Listener-scoped (envoy_listener_<stat_prefix>?): counts connections that found no certificate.
SECRETS_NOT_READY = "server_ssl_socket_factory_downstream_context_secrets_not_ready"
# What Envoy says when the provider's factory is missing (the library's providers only).
PROVIDER_FAILURE = "Failed to load private key provider: %s"
PROVIDERS = ("qat", "cryptomb")
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_series(text):
    """Every series of a Prometheus text page: (name, labels, value)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_labels, _, value = line.rpartition(" ")
        name, _, labels = name_labels.partition("{")
        try:
            out.append((name.strip(), dict(LABEL.findall(labels)), float(value)))
        except ValueError:
            continue
    return out


def read_series(pods):
    """The series of every pod, in one list, or None when any pod's stats cannot be read."""
    if not pods:
        return None
    out = []
    for pod in pods:
        ip = pod["ip"]
        host = "[%s]" % ip if ":" in ip else ip
        try:
            with urllib.request.urlopen("http://%s:%d/stats/prometheus" % (host, STATS_PORT), timeout=10) as r:
                out += parse_series(r.read().decode("utf-8", "replace"))
        except Exception as e:  # noqa: BLE001 -- unreadable stats are "unknown", never a guess
            log("cannot read stats of pod %s: %s" % (ip, e))
            return None
    return out


def rejected_updates(series, secret):
    """How many SDS updates of the Secret (its xDS name, namespace/name) Envoy rejected."""
    return sum(v for name, labels, v in series if name == SDS_REJECTED and labels.get(SDS_RESOURCE_LABEL) == secret)


def not_ready(series):
    """Connections reset for want of a certificate, summed over the listeners."""
    return sum(v for name, _, v in series if name.startswith(LISTENER_STATS) and name.endswith(SECRETS_NOT_READY))


def rejection(kind, secret):
    """What Envoy said when it rejected the Secret, as far as the stats tell it: for the
    library's providers the only part of the Secret Envoy Gateway does not check is the provider."""
    if kind in PROVIDERS:
        return "Envoy rejected the Secret: " + PROVIDER_FAILURE % kind
    return "Envoy rejected the Secret %s (its message is in the Envoy pods' log)" % secret


def secret_rejected(series, kind, secret):
    """The rejection message when the stats show both traces of a rejected Secret, else None."""
    if series is None or not secret:
        return None
    if rejected_updates(series, secret) > 0 and not_ready(series) > 0:
        return rejection(kind, secret)
    return None
