#!/usr/bin/env node
// Regenerates src/imports/ from the pinned upstream CRDs listed in imports/sources.json.
//
//   node imports/regenerate.js            read <upstream>/crds (see upstream/locate.js)
//   node imports/regenerate.js --check    regenerate into a temp dir and compare with src/imports/
//
// Every input is sha256-checked; only the CRDs and versions we use are kept, and all CRDs of
// one API group are imported in one `cdk8s import` call (a second call would overwrite the file).
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'sources.json'), 'utf8'));
const args = new Set(process.argv.slice(2));
const { upstreamPath } = require('../upstream/locate');

function readSource(src) {
  // `npx projen upstream` provides them when no upstream directory exists.
  const body = fs.readFileSync(upstreamPath(`crds/${src.file}`));
  const sha = crypto.createHash('sha256').update(body).digest('hex');
  if (sha !== src.sha256) {
    throw new Error(`${src.file}: sha256 ${sha} does not match the pinned ${src.sha256}`);
  }
  return body.toString('utf8');
}

function selectCrds(text, src) {
  const wanted = new Map(Object.entries(src.crds));
  const out = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    const crd = doc.toJS();
    if (!crd || crd.kind !== 'CustomResourceDefinition' || !wanted.has(crd.metadata.name)) continue;
    const versions = wanted.get(crd.metadata.name);
    crd.spec.versions = crd.spec.versions.filter((v) => versions.includes(v.name));
    if (crd.spec.versions.length !== versions.length) {
      throw new Error(`${src.file}: ${crd.metadata.name} lacks one of the versions ${versions.join(', ')}`);
    }
    wanted.delete(crd.metadata.name);
    out.push(crd);
  }
  if (wanted.size > 0) throw new Error(`${src.file}: missing CRDs ${[...wanted.keys()].join(', ')}`);
  return out;
}

function generate(outDir) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-imports-'));
  fs.mkdirSync(outDir, { recursive: true });
  for (const mod of manifest.modules) {
    const crds = [];
    for (const src of mod.sources) crds.push(...selectCrds(readSource(src), src));
    const input = path.join(work, `${mod.module}.yaml`);
    fs.writeFileSync(input, crds.map((c) => YAML.stringify(c)).join('---\n'));
    execFileSync(process.execPath, [
      path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'import', input,
      '--language', 'typescript', '--output', outDir, '--no-save', '--check-upgrade=false',
    ], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const generated = path.join(outDir, `${mod.module}.ts`);
    if (!fs.existsSync(generated)) throw new Error(`cdk8s import did not write ${generated}`);
    fs.writeFileSync(generated, plainUndefinedFilter(fs.readFileSync(generated, 'utf8'), generated));
    console.log(`${mod.module}: ${crds.map((c) => c.metadata.name).join(', ')} -> ${path.relative(root, generated)}`);
  }
  fs.rmSync(work, { recursive: true, force: true });
}

// Every generated `toJson_*` drops undefined values by spreading the object built so far into a
// new one per key. Synthesis runs these for every object; YAML output of objects built that way is
// slower than of objects built by assignment (measured with `npm run bench`: 20–30 ms of 800 at
// 1000 gateways, with the same output). The one expression is replaced by a loop that assigns.
const SPREAD_FILTER = 'return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});';
const LOOP_FILTER = 'const out: Record<string, any> = {}; for (const [k, v] of Object.entries(result)) { if (v !== undefined) out[k] = v; } return out;';

function plainUndefinedFilter(text, file) {
  const parts = text.split(SPREAD_FILTER);
  // A cdk8s-cli that writes something else needs this step looked at again, not skipped silently.
  if (parts.length === 1) throw new Error(`${file}: cdk8s import no longer writes the spread filter of undefined values; review plainUndefinedFilter in imports/regenerate.js`);
  return parts.join(LOOP_FILTER);
}

function listTs(dir) {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort() : [];
}

function main() {
  const committed = path.join(root, 'src', 'imports');
  if (args.has('--check')) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-imports-check-'));
    generate(tmp);
    const a = listTs(tmp);
    const b = listTs(committed);
    const differ = a.join() !== b.join() ? ['file list'] :
      a.filter((f) => !fs.readFileSync(path.join(tmp, f)).equals(fs.readFileSync(path.join(committed, f))));
    fs.rmSync(tmp, { recursive: true, force: true });
    if (differ.length > 0) {
      console.error(`src/imports/ differs from a fresh regeneration: ${differ.join(', ')}`);
      process.exit(1);
    }
    console.log(`src/imports/ is byte-identical to a fresh regeneration (${a.length} modules)`);
    return;
  }
  for (const f of listTs(committed)) fs.rmSync(path.join(committed, f));
  generate(committed);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`imports: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { plainUndefinedFilter, SPREAD_FILTER, LOOP_FILTER };
