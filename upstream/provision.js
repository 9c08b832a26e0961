#!/usr/bin/env node
// `npx projen upstream`: re-creates the upstream data the tests compare with, from the registries only.
//
// Each upstream repository is fetched at its pinned tag as a Go module (`go mod download`, through
// the Go module proxy); the CRDs listed in imports/sources.json are copied from it, the reference
// renders listed in upstream/references.json are copied or rendered (kustomize, helm) with pinned
// tools built from the same proxy into .cache/tools. Every file is sha256-checked against the
// recorded hash before it is written. Only the files no upstream directory has yet are made,
// unless --all (which re-creates every one, e.g. to re-check the recorded hashes).
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');
const { REQUIRED, missingUpstream, upstreamOut } = require('./locate');

const root = path.resolve(__dirname, '..');
const refs = JSON.parse(fs.readFileSync(path.join(__dirname, 'references.json'), 'utf8'));
const imports = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'sources.json'), 'utf8'));
const out = upstreamOut();
const tools = path.resolve(process.env.ATLS_TOOLS_DIR ?? path.join(root, '.cache', 'tools'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-upstream-'));
const goEnv = { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' };

const moduleDirs = new Map();
/** The directory of `repository` at `tag` in the Go module cache (downloaded once). */
function moduleDir(repository, tag) {
  const mod = refs.goModules[repository];
  if (!mod) throw new Error(`${repository}: no Go module recorded in upstream/references.json`);
  const key = `${mod}@${tag}`;
  if (!moduleDirs.has(key)) {
    const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', key], { cwd: work, env: goEnv, encoding: 'utf8' }));
    if (info.Error) throw new Error(`${key}: ${info.Error}`);
    console.log(`  ${key}`);
    moduleDirs.set(key, info.Dir);
  }
  return moduleDirs.get(key);
}

/** A pinned Go tool in .cache/tools, built on first use. */
function tool(name) {
  const spec = refs.tools[name];
  const bin = path.join(tools, name);
  const stamp = `${bin}.version`;
  if (!fs.existsSync(bin) || !fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8').trim() !== spec) {
    console.log(`  building ${spec}`);
    fs.mkdirSync(tools, { recursive: true });
    execFileSync('go', ['install', spec], { cwd: work, env: { ...goEnv, GOBIN: tools, CGO_ENABLED: '0' }, stdio: ['ignore', 'inherit', 'inherit'] });
    fs.writeFileSync(stamp, `${spec}\n`);
  }
  return bin;
}

function kustomize(dir, entry) {
  const text = execFileSync(tool('kustomize'), ['build', path.join(dir, entry.kustomize)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (!entry.dropKinds) return text;
  // Whole documents out, the rest byte for byte (kustomize separates documents with "---").
  const drop = new Set(entry.dropKinds);
  return text.split(/^---\n/m).filter((doc) => !drop.has(YAML.parse(doc)?.kind)).join('---\n');
}

function helm(dir, entry) {
  const chart = path.join(work, 'chart-' + path.basename(entry.file, '.yaml'));
  fs.cpSync(path.join(dir, entry.helm), chart, { recursive: true });
  fs.chmodSync(chart, 0o755);
  const tmpl = fs.readFileSync(path.join(chart, 'values.tmpl.yaml'), 'utf8');
  const values = tmpl.replace(/\$\{(\w+)\}/g, (_, k) => {
    if (!(k in entry.values)) throw new Error(`${entry.file}: no value for \${${k}} in upstream/references.json`);
    return entry.values[k];
  });
  fs.writeFileSync(path.join(chart, 'values.yaml'), values);
  const sets = (entry.set ?? []).flatMap((s) => ['--set', s]);
  return execFileSync(tool('helm'), ['template', entry.release, chart, '--namespace', entry.namespace, '--show-only', entry.showOnly, ...sets],
    { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, HELM_CACHE_HOME: path.join(work, 'helm') } });
}

function write(kind, file, body, sha256) {
  const got = crypto.createHash('sha256').update(body).digest('hex');
  if (got !== sha256) throw new Error(`${kind}/${file}: sha256 ${got} does not match the recorded ${sha256}`);
  fs.mkdirSync(path.join(out, kind), { recursive: true });
  fs.writeFileSync(path.join(out, kind, file), body);
  console.log(`${kind}/${file}: sha256 ok`);
}

function main() {
  const wanted = process.argv.includes('--all') ? new Set(REQUIRED) : new Set(missingUpstream());
  console.log(`upstream data -> ${path.relative(process.cwd(), out) || '.'}: ${wanted.size} file(s) to make`);
  for (const src of imports.modules.flatMap((m) => m.sources)) {
    if (!wanted.has(`crds/${src.file}`)) continue;
    write('crds', src.file, fs.readFileSync(path.join(moduleDir(src.repository, src.tag), src.path)), src.sha256);
  }
  for (const entry of refs.reference) {
    if (!wanted.has(`reference/${entry.file}`)) continue;
    const dir = moduleDir(entry.repository, entry.tag);
    const body = entry.copy ? fs.readFileSync(path.join(dir, entry.copy))
      : entry.kustomize ? kustomize(dir, entry)
        : helm(dir, entry);
    write('reference', entry.file, body, entry.sha256);
  }
  const missing = missingUpstream();
  if (missing.length > 0) throw new Error(`still missing: ${missing.join(', ')}`);
}

try {
  main();
} catch (e) {
  console.error(`upstream: ${e.message}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
