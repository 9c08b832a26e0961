#!/usr/bin/env bash
# Stage 3: build the wheel with jsii-pacmak, install it with its pinned dependencies into a fresh
# virtualenv, and check the Python example's YAML is byte-identical to the TypeScript example's.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=conformance/tools.env
source conformance/tools.env
work="$1"
npx projen compile > "$work/compile.log" 2>&1 || { cat "$work/compile.log"; exit 1; }
npx jsii-pacmak --target python -o "$work/dist" > "$work/pacmak.log" 2>&1 || { cat "$work/pacmak.log"; exit 1; }
wheel=$(ls "$work"/dist/python/*.whl)
size=$(stat -c %s "$wheel")
# The package carries the library only: no tool binaries or test data (they once slipped in).
[ "$size" -lt 5242880 ] || { echo "python: $(basename "$wheel") is $size bytes; check .npmignore"; exit 1; }
python3 -m venv "$work/venv"
# shellcheck disable=SC2086 # PY_REQUIREMENTS is a list
"$work/venv/bin/pip" install -q "$work"/dist/python/*.whl $PY_REQUIREMENTS
ATLS_TS_MANIFESTS="$(pwd)/dist/manifests" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider test/python
echo "python: wheel $(basename "$wheel") ($((size / 1024)) KiB) installed in a fresh virtualenv; example YAML byte-identical to TypeScript; the README example runs"
