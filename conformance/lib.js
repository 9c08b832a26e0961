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

function writeYamlDocs(file, docs) {
  fs.writeFileSync(file, docs.map((d) => YAML.stringify(d)).join('---\n'));
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

module.exports = { root, upstreamDir, readYamlDocs, writeYamlDocs, yamlFiles, makeCert };
