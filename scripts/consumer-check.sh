#!/usr/bin/env bash
# The packed library in a consumer project as `cdk8s init typescript-app` sets it up
# (cdk8s-plus-33, @types/node 14, jest 29; scripts/consumer/package.json):
# - the README's TypeScript quick start unchanged as main.ts, with the template's own test
#   (main.test.ts and its snapshot, from cdk8s-cli's template): it fails on the template's empty
#   snapshot, and passes after `npx jest -u`, as the README says;
# - every complete TypeScript example of the README and docs/ (a ```ts block starting with an
#   import; scripts/consumer/snippets.js), and values from cdk8s-plus-33 (scripts/consumer/plus33.ts),
#   compile with the project's tsc settings and synthesize; an incomplete example does not compile.
# Needs the npm registry. The consumer's dependency tree is locked (scripts/consumer/package-lock.json)
# so that a run does not depend on the registry's newest transitive releases; after a change to
# scripts/consumer/package.json, regenerate it there with
#   npm install --package-lock-only --before=<a date a few days back>
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "consumer check: $*" >&2; exit 1; }

npx projen compile > /dev/null   # the package is what lib/ holds: build it from the sources as they are
npm pack --silent --pack-destination "$work" > /dev/null
tgz=$(ls "$work"/cdk8s-accelerated-tls-*.tgz)

app="$work/app"
mkdir "$app"
cp scripts/consumer/package.json scripts/consumer/package-lock.json scripts/consumer/tsconfig.json scripts/consumer/plus33.ts "$app/"
# The README's first TypeScript block, byte for byte, and the template's test beside it (the
# cdk8s-cli of our devDependencies is the one scripts/consumer/package.json describes).
node scripts/consumer/readme-example.js README.md > "$app/main.ts"
template=node_modules/cdk8s-cli/templates/typescript-app
mkdir "$app/__snapshots__"
cp "$template/main.test.ts" "$template/jest.config.js" "$app/"
cp "$template/__snapshots__/main.test.ts.snap" "$app/__snapshots__/"
# Every complete example of the docs, one file each.
node scripts/consumer/snippets.js "$app/snippets" README.md docs > "$work/snippets.txt"
cat "$work/snippets.txt"
# What the docs must hold, at the least: the quick start and the Argo CD example among them.
grep -q '^readme-1 ' "$work/snippets.txt" || fail 'no complete TypeScript example in the README'
grep -l 'new ArgoCdSyncWaves' "$app"/snippets/*.ts > /dev/null || fail 'no complete ArgoCdSyncWaves example in the docs'

cd "$app"
npm ci --no-audit --no-fund --loglevel=error > npm.log 2>&1 || { cat npm.log; exit 1; }
npm install --no-audit --no-fund --loglevel=error "$tgz" >> npm.log 2>&1 || { cat npm.log; exit 1; }
echo "consumer: $(node -p 'const v = (p) => require(p + "/package.json").version; ["cdk8s", "cdk8s-plus-33", "cdk8s-plus-28", "constructs", "typescript", "@types/node", "jest", "ts-jest"].map((p) => p + " " + v(p)).join(", ")')"

npx tsc -p tsconfig.json   # main.ts, main.test.ts, plus33.ts and every example
node main.js
node plus33.js dist-plus33
while read -r name source; do
  mkdir -p "run/$name"
  (cd "run/$name" && node "../../snippets/$name.js") || fail "the example at $source does not synthesize"
  ls "run/$name/dist/"*.k8s.yaml > /dev/null 2>&1 || fail "the example at $source wrote no manifests"
done < "$work/snippets.txt"
echo "consumer check: $(wc -l < "$work/snippets.txt") examples of the README and docs/ compile and synthesize"

# The control: an incomplete example (the Argo CD one as it once was) does not compile here.
mkdir control
printf "import { ArgoCdSyncWaves } from 'cdk8s-accelerated-tls';\n\nnew ArgoCdSyncWaves(chart, 'argo-cd');\n" > control/fragment.ts
printf '{ "extends": "../tsconfig.json", "compilerOptions": { "noEmit": true }, "include": ["*.ts"] }\n' > control/tsconfig.json
if npx tsc -p control/tsconfig.json > control/tsc.log 2>&1; then fail 'an example using an undeclared chart compiled: the examples are not really checked'; fi
grep -q "Cannot find name 'chart'" control/tsc.log || { cat control/tsc.log; fail 'the incomplete example failed for another reason'; }

# The template's test: the empty chart's snapshot no longer matches, `npx jest -u` writes ours.
if npx jest --ci > jest-template.log 2>&1; then fail "the template's test passed on its empty snapshot: the README's npx jest -u is not needed"; fi
grep -q 'EnvoyPatchPolicy' jest-template.log || { cat jest-template.log; fail "the template's test failed for another reason than the chart's objects"; }
npx jest -u > jest-update.log 2>&1 || { cat jest-update.log; fail 'npx jest -u failed'; }
npx jest --ci > jest-ci.log 2>&1 || { cat jest-ci.log; fail 'npx jest --ci failed after npx jest -u'; }
echo "consumer check: the template's test fails on the empty snapshot, passes after npx jest -u"

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
