#!/usr/bin/env bash
# The cluster check (README: `npx projen cluster`): the example app and the scenarios of
# conformance/cluster/scenarios.ts on a real control plane built from the Go module proxy. Needs
# root (it runs in private network and mount namespaces), Go, openssl and iproute2. Run it after
# `npx projen example`, which writes dist/manifests/.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=conformance/cluster/tools.env
source conformance/cluster/tools.env
[ -d dist/manifests ] || { echo "dist/manifests/ is missing: run npx projen example first" >&2; exit 1; }
echo "--- building (or reusing) the Go tools"
bin=$(bash conformance/cluster/build-tools.sh | tail -n 1)
# The Envoy the check runs is the release the library pins for its contrib image.
envoy_pin=$(node -p 'require("./lib").Versions.ENVOY')
envoy_version=$("$bin/envoy" --version | tr -s "\n" " ")
case "$envoy_version" in
  */"${envoy_pin#v}"/*) echo "Envoy: $envoy_version" ;;
  *) echo "Versions.ENVOY is $envoy_pin, but the cluster check's Envoy reports '$envoy_version' (ENVOY_WHEEL_VERSION in conformance/cluster/tools.env)" >&2; exit 1 ;;
esac
# Module directories the check reads CRDs from, resolved here: the clusters' namespace has no network.
module_dir() { node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).Dir)'; }
eg_module=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/envoyproxy/gateway@$ENVOY_GATEWAY_VERSION" | module_dir)
nfd_module=$(cd conformance/cluster && go mod download -json sigs.k8s.io/node-feature-discovery | module_dir)
work=$(mktemp -d)
# ATLS_CLUSTER_KEEP=1 keeps the clusters' logs and files for a look after a failure.
if [ "${ATLS_CLUSTER_KEEP:-}" = 1 ]; then echo "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
echo "--- synthesizing the scenarios"
npx tsc -p conformance/cluster/tsconfig.json
node build/conformance/cluster/scenarios.js "$work/scenarios"
echo "--- the clusters"
ATLS_CLUSTER_IP=10.200.0.1 ENVOY_GATEWAY_VERSION="$ENVOY_GATEWAY_VERSION" EG_MODULE_DIR="$eg_module" NFD_MODULE_DIR="$nfd_module" \
  timeout --kill-after=10 600 unshare --net --mount --propagation private \
  conformance/cluster/netns.sh node conformance/cluster/check.js "$bin" dist/manifests "$work/scenarios" "$work"
