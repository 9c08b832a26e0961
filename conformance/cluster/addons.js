// What runs besides the control plane: kwok (simulated nodes and kubelets), Envoy Gateway's
// controller (installed as its Helm chart would: namespace, CRDs, certgen; run out of cluster with
// the configuration the app applied) and nfd-master (the real NFD rule engine).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { waitFor } = require('./control-plane');
const { KWOK_ANNOTATION, NODES, nodeObject, nodeFeature } = require('./nodes');

const EG_NAMESPACE = 'envoy-gateway-system';

/** Every YAML file below `dir`, in path order. */
function yamlFilesBelow(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** kwok managing the nodes annotated as fake, with its default stages (pods Ready, Jobs complete). */
function startKwok(cp) {
  cp.spawn('kwok', 'kwok', [
    `--kubeconfig=${cp.admin}`, '--config=/dev/null',
    '--manage-all-nodes=false', `--manage-nodes-with-annotation-selector=${KWOK_ANNOTATION}=fake`,
    '--cidr=10.244.0.0/16', '--node-lease-duration-seconds=40',
    `--server-address=127.0.0.1:${10247 + 10 * cp.index}`,
  ]);
}

/** The simulated nodes, Ready. */
async function createNodes(cp) {
  cp.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: NODES.map(nodeObject) }));
  await waitFor('every simulated node Ready (kwok)', () => {
    const nodes = cp.getJson(['nodes']).items;
    return nodes.length === NODES.length && nodes.every((n) => n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, 60000);
}

/** What nfd-worker publishes once it runs on each node (its namespace must exist). */
function publishNodeFeatures(cp, namespace) {
  cp.kubectl(['apply', '--server-side', '--field-manager=nfd-worker', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: NODES.map((n) => nodeFeature(n, namespace)) }));
}

/** nfd-master of the pinned NFD, reading NodeFeatures and NodeFeatureRules, writing node labels. */
function startNfdMaster(cp, namespace) {
  const conf = path.join(cp.dir, 'nfd-master.conf');
  fs.writeFileSync(conf, '');
  cp.spawn('nfd-master', 'nfd-master', [`-kubeconfig=${cp.admin}`, `-config=${conf}`, `-port=${18080 + 10 * cp.index}`],
    // NODE_NAME: the node its pod would run on (nfd-master annotates it with its version).
    { KUBERNETES_NAMESPACE: namespace, NODE_NAME: 'skx' });
}

/** Envoy Gateway as its Helm chart installs it, minus its Deployment: namespace, CRDs, certgen. */
function installEnvoyGateway(cp, dir) {
  const crds = yamlFilesBelow(path.join(dir, 'charts', 'gateway-helm', 'charts', 'crds', 'crds'));
  if (crds.length < 2) throw new Error(`no CRDs under ${dir}/charts/gateway-helm/charts/crds/crds`);
  cp.kubectl(['create', 'namespace', EG_NAMESPACE]);
  for (const f of crds) cp.kubectl(['apply', '--server-side', '--field-manager=helm', '-f', f]);
  cp.kubectl(['wait', '--for', 'condition=Established', '--timeout=60s', 'crd', '--all']);
  execFileSync(path.join(cp.bin, 'envoy-gateway'), ['certgen', '--disable-topology-injector'], {
    env: { ...process.env, KUBECONFIG: cp.admin, ENVOY_GATEWAY_NAMESPACE: EG_NAMESPACE }, stdio: 'pipe',
  });
  return crds.length;
}

/** HTTP GET status code of a local URL (0 when nothing answers). */
function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => { req.destroy(); resolve(0); });
  });
}

/**
 * Envoy Gateway's controller, started as its Deployment would be before the app is applied: with
 * `config` (what the app's envoy-gateway-config ConfigMap holds, which its pod mounts) and its
 * certificates (the Secret certgen made) at /certs, where it reads them. Ready when its readiness
 * probe (port 8081, /readyz, as the Helm chart's) answers 200.
 */
async function startEnvoyGateway(cp, config) {
  const file = path.join(cp.dir, 'envoy-gateway.yaml');
  fs.writeFileSync(file, config);
  const secret = cp.getJson(['secret', 'envoy-gateway', '-n', EG_NAMESPACE]);
  for (const f of ['ca.crt', 'tls.crt', 'tls.key']) fs.writeFileSync(path.join('/certs', f), Buffer.from(secret.data[f], 'base64'));
  const eg = cp.spawn('envoy-gateway', 'envoy-gateway', ['server', `--config-path=${file}`],
    { KUBECONFIG: cp.admin, ENVOY_GATEWAY_NAMESPACE: EG_NAMESPACE, KUBERNETES_CLUSTER_DOMAIN: 'cluster.local' });
  await waitFor('Envoy Gateway\'s readiness probe', async () => {
    if (eg.exitCode_ !== undefined) throw new Error(`envoy-gateway exited (${eg.exitCode_}):\n${cp.logTail('envoy-gateway')}`);
    return (await httpStatus('http://127.0.0.1:8081/readyz')) === 200;
  }, 90000);
}

module.exports = {
  EG_NAMESPACE, startKwok, createNodes, publishNodeFeatures, startNfdMaster,
  installEnvoyGateway, startEnvoyGateway,
};
