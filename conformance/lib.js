// Shared helpers of the conformance stages (plain Node, CommonJS).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const upstreamDir = path.resolve(process.env.ATLS_UPSTREAM_DIR ?? path.join(root, '..', 'shared', 'upstream'));

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

/** A throw-away self-signed certificate; `keyArgs` are openssl -newkey arguments. */
function makeCert(keyArgs, cn = 'www.example.com') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-conf-cert-'));
  execFileSync('openssl', ['req', '-x509', '-nodes', '-newkey', ...keyArgs, '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'c'),
    '-days', '2', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
  const out = { crt: fs.readFileSync(path.join(dir, 'c')), key: fs.readFileSync(path.join(dir, 'k')) };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
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

/** The file of the example app's QAT gateway chart (cdk8s numbers files by dependency order). */
function qatGatewayFile(exampleDir) {
  const hits = fs.readdirSync(exampleDir).filter((f) => /^[0-9]{4}-qat-gateway\.k8s\.yaml$/.test(f));
  if (hits.length !== 1) throw new Error(`expected one NNNN-qat-gateway.k8s.yaml in ${exampleDir}, found ${hits.length}`);
  return path.join(exampleDir, hits[0]);
}

module.exports = { root, upstreamDir, readYamlDocs, writeYamlDocs, yamlFiles, makeCert, k8sSchemas, qatGatewayFile };
