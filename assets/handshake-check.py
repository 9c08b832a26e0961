#!/usr/bin/env python3
"""Post-deploy handshake check: every listener of every gateway serves its Secret's certificate.

Per listener: one TLS handshake with the listener's SNI through the gateway's Envoy Service, the
served certificate compared with the Secret's (only its tls.crt is mounted), and the Envoy pods'
stats read for a rejected update of that Secret (the one trace Envoy leaves on the data plane
when it cannot load a private key provider). One line per listener; the exit status is 1 when
any listener fails, so a Job (an Argo CD PostSync hook, a Flux-checked Job) fails with the reason.

Environment (the Job sets the in-cluster values; tests point it at local fakes): ATLS_CONFIG
(gateways and listeners, JSON), and those of the modules handshake_kube and handshake_evidence
(ATLS_STATS_PORT).
"""
import hashlib
import json
import os
import socket
import ssl
import sys

from handshake_health import not_ready, read_series, rejected_updates, secret_rejected
from handshake_kube import envoy_pods, log

CONFIG = os.environ.get("ATLS_CONFIG", "/config/config.json")


def fingerprint(der):
    return ":".join("%02X" % b for b in hashlib.sha256(der).digest())


def secret_certificate(path):
    """The DER of the first certificate in a PEM file (the leaf: what Envoy presents first)."""
    with open(path) as f:
        pem = f.read()
    end = "-----END CERTIFICATE-----"
    if end not in pem:
        raise ValueError("%s holds no PEM certificate" % path)
    return ssl.PEM_cert_to_DER_cert(pem[:pem.index(end) + len(end)])


def handshake(host, port, sni, timeout):
    """The DER of the certificate the server presents, or raises with the reason."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # What is served is compared with the Secret byte for byte, so no chain is verified here.
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname=sni) as tls:
            der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("no certificate presented")
    return der


def describe(error):
    """A socket or TLS error without addresses: "connection reset by peer", "timed out"."""
    if isinstance(error, ssl.SSLError) and error.reason:
        return "TLS error %s" % error.reason
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or error.__class__.__name__


def check_listener(gateway, listener, pods, timeout):
    """(passed, line) for one listener."""
    where = "%s/%s %s:%d" % (gateway["name"], listener["name"], listener["sni"] or "(no SNI)", listener["port"])
    secret = listener["secret"]
    try:
        expected = secret_certificate(listener["certificate"])
    except (OSError, ValueError) as e:
        return False, "FAIL %s: the Secret %s's certificate cannot be read: %s" % (where, secret, e)
    try:
        served, error = handshake(gateway["host"], listener["port"], listener["sni"], timeout), None
    except (OSError, ssl.SSLError) as e:
        served, error = None, describe(e)
    # Read after the handshake: a listener without a certificate counts the connection it reset.
    series = read_series(pods) if pods else None
    stats = "stats unreadable" if series is None else "%s{%s=\"%s\"} %d, secrets_not_ready %d" % (
        "envoy_sds_update_rejected", "envoy_xds_resource_name", secret, rejected_updates(series, secret), not_ready(series))
    if error is not None:
        reason = secret_rejected(series, gateway["provider"], secret)
        if reason:
            return False, "FAIL %s: %s (Secret %s; the handshake: %s; %s)" % (where, reason, secret, error, stats)
        return False, "FAIL %s: no handshake: %s (%s)" % (where, error, stats)
    if served != expected:
        return False, "FAIL %s: served certificate sha256 %s is not the Secret %s's (sha256 %s)" % (
            where, fingerprint(served), secret, fingerprint(expected))
    note = ""
    if series is not None and rejected_updates(series, secret) > 0:
        note = " (Envoy rejected an earlier update of the Secret; it serves the last one it accepted)"
    return True, "PASS %s: serves the Secret %s (sha256 %s)%s" % (where, secret, fingerprint(served), note)


def main():
    with open(CONFIG) as f:
        cfg = json.load(f)
    timeout = cfg["timeoutSeconds"]
    failed = 0
    total = 0
    for gateway in cfg["gateways"]:
        pods = envoy_pods(gateway)
        if not pods:
            log("%s: no running Envoy pod listed: its stats are not read" % gateway["name"])
        for listener in gateway["listeners"]:
            passed, line = check_listener(gateway, listener, pods, timeout)
            print(line, flush=True)
            total += 1
            failed += 0 if passed else 1
    print("HANDSHAKE CHECK: %d of %d listeners serve their Secret's certificate" % (total - failed, total))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
