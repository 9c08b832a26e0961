#!/usr/bin/env bash
# The packed library in a consumer project as `cdk8s init typescript-app` sets it up
# (cdk8s-plus-33, @types/node 14; scripts/consumer/package.json): the README's TypeScript example
# unchanged as main.ts, and values from cdk8s-plus-33 (scripts/consumer/plus33.ts), must compile
# with the project's tsc settings and synthesize the expected objects. Needs the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npx projen compile > /dev/null   # the package is what lib/ holds: build it from the sources as they are
npm pack --silent --pack-destination "$work" > /dev/null
tgz=$(ls "$work"/cdk8s-accelerated-tls-*.tgz)

app="$work/app"
mkdir "$app"
cp scripts/consumer/package.json scripts/consumer/tsconfig.json scripts/consumer/plus33.ts scripts/consumer/uses-my-chart.ts "$app/"
# The README's first TypeScript block, byte for byte.
node scripts/consumer/readme-example.js README.md > "$app/main.ts"

cd "$app"
npm install --no-audit --no-fund --loglevel=error > npm.log 2>&1 || { cat npm.log; exit 1; }
npm install --no-audit --no-fund --loglevel=error "$tgz" >> npm.log 2>&1 || { cat npm.log; exit 1; }
echo "consumer: $(node -p 'const v = (p) => require(p + "/package.json").version; ["cdk8s", "cdk8s-plus-33", "cdk8s-plus-28", "constructs", "typescript", "@types/node"].map((p) => p + " " + v(p)).join(", ")')"

npx tsc -p tsconfig.json
node main.js
node plus33.js dist-plus33

# What each synthesized: the gateway objects, and the cdk8s-plus-33 values in the EnvoyProxy.
node - "$root" <<'JS'
const fs = require('fs');
const YAML = require(require.resolve('yaml', { paths: [process.argv[2]] }));
const kinds = (f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()).filter(Boolean);
const fail = (m) => { console.error(`consumer check: ${m}`); process.exit(1); };
const readme = kinds('dist/edge.k8s.yaml');
for (const k of ['GatewayClass', 'EnvoyProxy', 'Gateway', 'TCPRoute', 'EnvoyPatchPolicy']) {
  if (!readme.some((o) => o.kind === k)) fail(`README example: no ${k} in dist/edge.k8s.yaml`);
}
const plus = kinds('dist-plus33/plus33.k8s.yaml');
const ep = plus.find((o) => o.kind === 'EnvoyProxy');
const pod = ep?.spec.provider.kubernetes.envoyDeployment;
if (pod?.container.resources.limits.cpu !== '2') fail('cdk8s-plus-33 Cpu.units(2) did not reach the Envoy container');
if (pod?.pod.tolerations?.[0]?.key !== 'accelerator') fail('the cdk8s-plus-33 toleration did not reach the Envoy pod');
if (!plus.some((o) => o.kind === 'Service' && o.metadata.name === 'backend')) fail('no cdk8s-plus-33 backend Service');
console.log(`consumer check: README example ${readme.length} objects, cdk8s-plus-33 values ${plus.length} objects: ok`);
JS
