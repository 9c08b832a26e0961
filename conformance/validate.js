#!/usr/bin/env node
// Stage 1: schema and CEL validation of every synthesized object with kubectl-validate, against
// only the upstream CRDs the library uses (from the upstream data's crds/, see upstream/locate.js).
//
//   node conformance/validate.js KUBECTL_VALIDATE SCENARIO_DIR
//
// Before validating our output it proves the check can fail: known-bad variants of our own
// objects must be rejected.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, exampleFile, upstreamPath, readYamlDocs, writeYamlDocs, yamlFiles, k8sSchemas } = require('./lib');

// kubectl-validate embeds core schemas up to 1.32 and fetches newer ones from GitHub; we give it
// the schemas of the oldest and newest Kubernetes Envoy Gateway v1.9 supports instead
// (--local-schemas wins over the embedded ones, so --version only has to name one it has).
const EMBEDDED_VERSION = '1.32';
const K8S_VERSIONS = (process.env.K8S_SCHEMA_VERSIONS ?? 'v1.33.4 v1.36.3').split(/\s+/).filter(Boolean);

function usedCrds(dir) {
  const sources = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'sources.json'), 'utf8'));
  let n = 0;
  for (const mod of sources.modules) {
    for (const src of mod.sources) {
      const wanted = Object.keys(src.crds);
      const docs = readYamlDocs(upstreamPath(`crds/${src.file}`))
        .filter((d) => d.kind === 'CustomResourceDefinition' && wanted.includes(d.metadata.name));
      for (const crd of docs) {
        writeYamlDocs(path.join(dir, `${crd.metadata.name}.yaml`), [crd]);
        n++;
      }
    }
  }
  return n;
}

function run(bin, crdDir, schemaDir, files) {
  const res = spawnSync(bin, ['--local-crds', crdDir, '--local-schemas', schemaDir, '--version', EMBEDDED_VERSION, '-o', 'json', ...files],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  let report;
  try {
    report = JSON.parse(res.stdout);
  } catch {
    throw new Error(`kubectl-validate gave no JSON (rc ${res.status}): ${res.stderr.slice(0, 2000)}`);
  }
  const failures = [];
  let objects = 0;
  for (const [file, statuses] of Object.entries(report)) {
    for (const s of [].concat(statuses)) {
      objects++;
      if (s.status !== 'Success') failures.push(`${path.basename(file)}: ${s.message}`);
    }
  }
  return { rc: res.status, objects, failures };
}

function selfTest(bin, crdDir, schemaDir, exampleDir) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-validate-bad-'));
  const docs = readYamlDocs(exampleFile(exampleDir, 'qat-gateway'));
  const mutate = (name, fn) => {
    const copy = JSON.parse(JSON.stringify(docs));
    fn(copy);
    const file = path.join(tmp, `${name}.yaml`);
    writeYamlDocs(file, copy);
    return file;
  };
  const find = (d, kind) => d.find((o) => o.kind === kind);
  const bad = [
    mutate('port-70000', (d) => { find(d, 'Gateway').spec.listeners[0].port = 70000; }),
    mutate('epp-target-namespace', (d) => { find(d, 'EnvoyPatchPolicy').spec.targetRef.namespace = 'default'; }),
    mutate('cel-terminate-without-certificates', (d) => { delete find(d, 'Gateway').spec.listeners[0].tls.certificateRefs; }),
    mutate('cel-envoyproxy-image', (d) => { find(d, 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment.container.image = 'bad image!!'; }),
    mutate('unknown-field', (d) => { find(d, 'TCPRoute').spec.bogus = true; }),
    mutate('core-unknown-field', (d) => { d.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'default' }, spec: { bogus: 1 } }); }),
  ];
  for (const file of bad) {
    const r = run(bin, crdDir, schemaDir, [file]);
    if (r.failures.length === 0) throw new Error(`self-test: kubectl-validate accepted the broken ${path.basename(file)}`);
  }
  // And the schemas given are the ones in effect: a field that Kubernetes 1.33 added (a container
  // stopSignal) is unknown to the embedded 1.32 schemas but valid under ours.
  const newer = path.join(tmp, 'newer-field.yaml');
  writeYamlDocs(newer, [{
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx', lifecycle: { stopSignal: 'SIGTERM' } }] },
  }]);
  const r = run(bin, crdDir, schemaDir, [newer]);
  if (r.failures.length > 0) throw new Error(`self-test: the given Kubernetes schemas are not in effect: ${r.failures.join('; ')}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  return bad.length;
}

function main() {
  const [bin, scenarioDir] = process.argv.slice(2);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-validate-'));
  const crdDir = path.join(tmp, 'crds');
  fs.mkdirSync(crdDir);
  const crds = usedCrds(crdDir);
  const files = yamlFiles(scenarioDir);
  const kinds = new Set(files.flatMap((f) => readYamlDocs(f).map((d) => d.kind)));
  let failed = false;
  for (const version of K8S_VERSIONS) {
    const schemaDir = path.join(tmp, `k8s-${version}`);
    k8sSchemas(version, schemaDir);
    const rejected = selfTest(bin, crdDir, schemaDir, path.join(scenarioDir, '..', 'example'));
    const r = run(bin, crdDir, schemaDir, files);
    if (r.failures.length > 0 || r.rc !== 0) {
      console.error(r.failures.join('\n'));
      console.error(`kubectl-validate (Kubernetes ${version}): ${r.failures.length} of ${r.objects} objects invalid`);
      failed = true;
      continue;
    }
    console.log(`kubectl-validate (Kubernetes ${version} schemas, ${crds} upstream CRDs): ${r.objects} objects in ${files.length} scenario files valid ` +
      `(${kinds.size} kinds); ${rejected}/${rejected} broken variants rejected`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  if (failed) process.exit(1);
}

main();
