#!/usr/bin/env bash
# Lays out synthesized manifests for the Flux Kustomizations in kustomizations.yaml:
#   layout.sh <cdk8s output dir> <deploy dir>
# deploy/crds gets the CRD file (cdk8s writes every CRD the library emits to *-crds.k8s.yaml),
# deploy/app every other file, deploy/envoy-gateway the Envoy Gateway source and HelmRelease.
set -euo pipefail
usage='usage: layout.sh <cdk8s output dir> <deploy dir>'
src=${1:?$usage}
deploy=${2:?$usage}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$deploy/crds" "$deploy/app" "$deploy/envoy-gateway"
mkdir -p "$deploy/crds" "$deploy/app" "$deploy/envoy-gateway"
find "$src" -maxdepth 1 -name '*-crds.k8s.yaml' -exec cp {} "$deploy/crds/" \;
find "$src" -maxdepth 1 -name '*.k8s.yaml' ! -name '*-crds.k8s.yaml' -exec cp {} "$deploy/app/" \;
cp "$here/envoy-gateway.yaml" "$deploy/envoy-gateway/"
