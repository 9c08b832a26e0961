#!/usr/bin/env bash
# Runs its arguments in the private network and mount namespaces run.sh creates (unshare --net
# --mount): only the loopback device, with the cluster's address on it, so every port the control
# plane opens disappears with the namespace and never clashes with the host's; and a private
# /certs, the path Envoy Gateway's controller reads its certificates from.
set -euo pipefail
ip link set lo up
ip addr add "${ATLS_CLUSTER_IP:?}/32" dev lo
# kube-apiserver looks for a default route to choose its address.
ip route add default dev lo
mkdir -p /certs
mount -t tmpfs -o mode=0755 atls-certs /certs
exec "$@"
