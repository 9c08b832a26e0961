#!/usr/bin/env bash
# Conformance: our output against real upstream tools (README: `npx projen conformance`).
#   1. kubectl-validate (apiserver schema + CEL) over the example and every test scenario
#   2. egctl x translate (Envoy Gateway's own translator) over every synthesized gateway
#   3. the Python package: wheel, fresh virtualenv, Python example == TypeScript example, byte for byte
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=conformance/tools.env
source conformance/tools.env
tools="${ATLS_TOOLS_DIR:-$root/.cache/tools}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$tools" "$work/scenarios" "$work/example"
t0=$(date +%s)
stage() { printf '\n--- %s (%ss)\n' "$1" "$(( $(date +%s) - t0 ))"; }

install_go_tool() { # name module@version
  if [ -x "$tools/$1" ] && [ "$(cat "$tools/$1.version" 2>/dev/null)" = "$2" ]; then return; fi
  CGO_ENABLED=0 GOBIN="$tools" go install "$2"
  echo "$2" > "$tools/$1.version"
}

stage "installing kubectl-validate and egctl in the background"
( install_go_tool kubectl-validate "sigs.k8s.io/kubectl-validate@$KUBECTL_VALIDATE_VERSION" ) > "$work/kv-install.log" 2>&1 &
kv_pid=$!
( install_go_tool egctl "github.com/envoyproxy/gateway/cmd/egctl@$EGCTL_VERSION" ) > "$work/egctl-install.log" 2>&1 &
eg_pid=$!

stage "synthesizing the example and every test scenario"
npx projen example > /dev/null
cp dist/manifests/*.yaml "$work/example/"
for f in dist/manifests/*.yaml; do cp "$f" "$work/scenarios/example--$(basename "$f")"; done
ATLS_DUMP_DIR="$work/scenarios" npx jest --ci --silent --coverage=false > "$work/jest.log" 2>&1 || { cat "$work/jest.log"; exit 1; }
echo "$(find "$work/scenarios" -mindepth 1 -maxdepth 1 | wc -l) scenario files"

stage "3. Python package"
bash conformance/python.sh "$work"

stage "waiting for the Go tools"
wait "$kv_pid" || { cat "$work/kv-install.log"; exit 1; }
wait "$eg_pid" || { cat "$work/egctl-install.log"; exit 1; }

stage "1. kubectl-validate"
node conformance/validate.js "$tools/kubectl-validate" "$work/scenarios"

stage "2. egctl x translate"
node conformance/translate.js "$tools/egctl" "$work/scenarios"

stage "conformance passed"
