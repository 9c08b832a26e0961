// Shared helpers of the conformance stages (plain Node, CommonJS).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');
const { makeCert } = require('./make-cert');

const root = path.resolve(__dirname, '..');
const { upstreamPath } = require('../upstream/locate');

function readYamlDocs(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
}

/** Writes YAML as cdk8s does (YAML 1.1, so strings like `y` or `on` stay quoted for Go's parsers). */
function writeYamlDocs(file, docs) {
  fs.writeFileSync(file, docs.map((d) => YAML.stringify(d, { version: '1.1', lineWidth: 0 })).join('---\n'));
}

function yamlFiles(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}

/**
 * The OpenAPI v3 schemas of a Kubernetes release, in kubectl-validate's --local-schemas layout
 * (`api/v1.json`, `apis/<group>/<version>.json`), from the k8s.io/kubernetes module on the Go
 * module proxy (its api/openapi-spec/v3 folder).
 */
function k8sSchemas(version, outDir) {
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], {
    encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' }, cwd: os.tmpdir(),
  }));
  const src = path.join(info.Dir, 'api', 'openapi-spec', 'v3');
  let n = 0;
  for (const f of fs.readdirSync(src)) {
    const m = /^(api|apis__(.+))__(v[^_]+)_openapi\.json$/.exec(f);
    if (!m) continue;
    const dir = m[1] === 'api' ? path.join(outDir, 'api') : path.join(outDir, 'apis', m[2]);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(src, f), path.join(dir, `${m[3]}.json`));
    n++;
  }
  if (n === 0) throw new Error(`no OpenAPI schemas in ${src}`);
  return n;
}

/** The example's file of `chart` (cdk8s numbers the files, so the number is not fixed). */
function exampleFile(dir, chart) {
  const hit = fs.readdirSync(dir).filter((f) => f.endsWith(`-${chart}.k8s.yaml`));
  if (hit.length !== 1) throw new Error(`expected one *-${chart}.k8s.yaml in ${dir}, found ${hit.length}`);
  return path.join(dir, hit[0]);
}

module.exports = { root, exampleFile, upstreamPath, readYamlDocs, writeYamlDocs, yamlFiles, makeCert, k8sSchemas };
