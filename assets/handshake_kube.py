"""Kubernetes API access of the handshake benchmark: pods, their logs (standard library only).

ATLS_KUBE_API, ATLS_KUBE_TOKEN and ATLS_KUBE_CA point it elsewhere (tests use a local fake)."""
import json
import os
import ssl
import sys
import urllib.parse
import urllib.request

ENV = os.environ
KUBE_API = ENV.get("ATLS_KUBE_API", "https://kubernetes.default.svc")
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
KUBE_TOKEN = ENV.get("ATLS_KUBE_TOKEN", SA_DIR + "/token")
KUBE_CA = ENV.get("ATLS_KUBE_CA", SA_DIR + "/ca.crt")


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


def read_log(namespace, pod, container):
    return api_get("/api/v1/namespaces/%s/pods/%s/log?container=%s" % (
        namespace, urllib.parse.quote(pod, safe=""), urllib.parse.quote(container, safe="")), raw=True)


def envoy_pods(target):
    """Names and IPs of the target's running Envoy pods, or None when the API cannot be asked."""
    try:
        pods = api_get(pods_path(target["envoyNamespace"], target["podLabels"]))["items"]
    except Exception as e:  # noqa: BLE001 -- any failure means "unknown", never a guess
        log("%s: cannot list Envoy pods: %s" % (target["name"], e))
        return None
    return [{"name": p["metadata"]["name"], "ip": p["status"]["podIP"]} for p in pods
            if p.get("status", {}).get("phase") == "Running" and p["status"].get("podIP")]
