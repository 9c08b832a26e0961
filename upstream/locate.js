// Where the upstream data (CRDs and reference renders, never committed) is: $ATLS_UPSTREAM_DIR
// when set, else ../shared/upstream when present, else .cache/upstream (`npx projen upstream`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const imports = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'sources.json'), 'utf8'));
const refs = JSON.parse(fs.readFileSync(path.join(__dirname, 'references.json'), 'utf8'));

/** Every file the tests may read, relative to the upstream directory. */
const REQUIRED = [
  ...imports.modules.flatMap((m) => m.sources).map((s) => `crds/${s.file}`),
  ...refs.reference.map((r) => `reference/${r.file}`),
];

const HINT = 'run `npx projen upstream` to fetch it (Go module proxy), or set ATLS_UPSTREAM_DIR';

function locateUpstream(env = process.env, exists = fs.existsSync) {
  if (env.ATLS_UPSTREAM_DIR) return path.resolve(env.ATLS_UPSTREAM_DIR);
  const shared = path.resolve(root, '..', 'shared', 'upstream');
  return exists(shared) ? shared : path.join(root, '.cache', 'upstream');
}

/** The files of REQUIRED that `dir` lacks. */
function missingUpstream(dir, exists = fs.existsSync) {
  return REQUIRED.filter((f) => !exists(path.join(dir, f)));
}

module.exports = { REQUIRED, HINT, locateUpstream, missingUpstream };
