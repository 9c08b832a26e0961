// Where the upstream data (CRDs and reference renders, never committed) is. Each file is looked
// up in $ATLS_UPSTREAM_DIR when set; otherwise in ../shared/upstream, then in .cache/upstream
// (what `npx projen upstream` writes), so a partial shared copy is completed by the cache.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const imports = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'sources.json'), 'utf8'));
const refs = JSON.parse(fs.readFileSync(path.join(__dirname, 'references.json'), 'utf8'));

/** Every file the tests may read, relative to an upstream directory. */
const REQUIRED = [
  ...imports.modules.flatMap((m) => m.sources).map((s) => `crds/${s.file}`),
  ...refs.reference.map((r) => `reference/${r.file}`),
];

const HINT = 'run `npx projen upstream` to fetch it (Go module proxy), or set ATLS_UPSTREAM_DIR';

/** The directories searched, in order. */
function upstreamDirs(env = process.env) {
  if (env.ATLS_UPSTREAM_DIR) return [path.resolve(env.ATLS_UPSTREAM_DIR)];
  return [path.resolve(root, '..', 'shared', 'upstream'), path.join(root, '.cache', 'upstream')];
}

/** Where `npx projen upstream` writes: $ATLS_UPSTREAM_DIR, else .cache/upstream. */
function upstreamOut(env = process.env) {
  return env.ATLS_UPSTREAM_DIR ? path.resolve(env.ATLS_UPSTREAM_DIR) : path.join(root, '.cache', 'upstream');
}

/** The path of `rel` (e.g. `crds/x.yaml`) in the first directory that has it, else in the last searched. */
function upstreamPath(rel, env = process.env, exists = fs.existsSync) {
  const dirs = upstreamDirs(env);
  const hit = dirs.find((d) => exists(path.join(d, rel)));
  return path.join(hit ?? dirs[dirs.length - 1], rel);
}

/** The files of REQUIRED found in none of the directories. */
function missingUpstream(env = process.env, exists = fs.existsSync) {
  return REQUIRED.filter((f) => !exists(upstreamPath(f, env, exists)));
}

module.exports = { REQUIRED, HINT, upstreamDirs, upstreamOut, upstreamPath, missingUpstream };
