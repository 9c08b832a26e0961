// The cluster check (README: "What the cluster check runs"). Two clusters, one after the other:
//   fresh: the example app, merged gateways and HTTPS listeners applied to a fresh cluster, NFD
//          from the example; then the negative controls, each of which must make its assertion fail;
//   existing NFD: upstream's NFD installed first, then an app that relies on it.
// Usage (inside netns.sh): node check.js <bin> <example dir> <scenarios dir> <work dir>
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { readYamlDocs, makeCert } = require('../lib');
const A = require('./assertions');
const { applyAsReadme, diffIsEmpty } = require('./apply');
const addons = require('./addons');
const { ControlPlane, waitFor, sleep } = require('./control-plane');
const { attempts } = require('./malicious');
const negative = require('./negative');
const { providerConfig } = require('./provider-config');
const dataPlane = require('./dataplane-check');

const [bin, exampleDir, scenariosDir, work] = process.argv.slice(2);
const IP = process.env.ATLS_CLUSTER_IP;
const EG_VERSION = process.env.ENVOY_GATEWAY_VERSION;
// Directories of the Envoy Gateway and NFD modules (their CRDs), resolved by run.sh.
const EG_MODULE_DIR = process.env.EG_MODULE_DIR;
const NFD_MODULE_DIR = process.env.NFD_MODULE_DIR;
const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}`);

/** group -> { checked, failures } */
const results = new Map();
/** Things worth knowing that are not failures. */
const notes = [];
function record(group, r) {
  const g = results.get(group) ?? { checked: 0, failures: [] };
  g.checked += r.checked;
  g.failures.push(...r.failures);
  results.set(group, g);
}

const appObjects = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => readYamlDocs(path.join(dir, f)));
const ofKind = (objects, ...kinds) => objects.filter((o) => kinds.includes(o.kind));
const resourceOf = (o) => `${o.kind.toLowerCase()}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, '');
/** The live objects of `objects` (one kubectl call per kind); a missing one is an error naming it. */
function liveAll(cp, objects) {
  const byKind = new Map();
  return objects.map((o) => {
    const r = resourceOf(o);
    if (!byKind.has(r)) byKind.set(r, cp.getJson([r, '-A']).items);
    const found = byKind.get(r).find((x) => x.metadata.name === o.metadata.name && (x.metadata.namespace ?? '') === (o.metadata.namespace ?? ''));
    if (!found) throw new Error(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} is not in the cluster`);
    return found;
  });
}
const live = (cp, o) => liveAll(cp, [o])[0];

/**
 * Envoy Gateway's controller, configured as the app's envoy-gateway-config ConfigMap says, or,
 * for an app without one (Envoy Gateway from Helm, the recommended install), as the Helm chart
 * renders it with `config.envoyGateway.extensionApis.enableEnvoyPatchPolicy=true`: what the
 * opt-in EnvoyGatewayConfig emits (its unit test compares it with the Helm render).
 */
function egConfigOf(objects) {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'envoy-gateway-config')
    ?? helmEquivalentConfig();
  return cm.data['envoy-gateway.yaml'];
}

function helmEquivalentConfig() {
  const { Chart, Testing } = require('cdk8s');
  const { EnvoyGatewayConfig } = require('../../lib');
  const chart = new Chart(Testing.app(), 'eg');
  new EnvoyGatewayConfig(chart, 'config');
  return Testing.synth(chart).find((o) => o.kind === 'ConfigMap');
}

/** The TLS Secrets the gateways reference, created as `kubectl create secret tls` would. */
function createCertificates(cp, objects) {
  let n = 0;
  for (const g of ofKind(objects, 'Gateway')) {
    for (const l of g.spec.listeners) {
      for (const ref of l.tls?.certificateRefs ?? []) {
        const ns = ref.namespace ?? g.metadata.namespace;
        if (cp.kubectlResult(['get', 'secret', ref.name, '-n', ns]).status === 0) continue;
        const { certificatePem, privateKeyPem } = makeCert(['rsa:2048'], { cn: l.hostname ?? 'www.example.com' });
        cp.kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify({
          apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: ref.name, namespace: ns },
          data: { 'tls.crt': Buffer.from(certificatePem).toString('base64'), 'tls.key': Buffer.from(privateKeyPem).toString('base64') },
        }));
        n++;
      }
    }
  }
  return n;
}

/** Live Gateway API objects of the apps, and what Envoy Gateway rendered for them. */
function gatewayState(cp, objects) {
  return {
    classes: liveAll(cp, ofKind(objects, 'GatewayClass')),
    gateways: liveAll(cp, ofKind(objects, 'Gateway')),
    routes: liveAll(cp, ofKind(objects, 'TCPRoute', 'HTTPRoute')),
    policies: liveAll(cp, ofKind(objects, 'EnvoyPatchPolicy')),
  };
}

/** Envoy Deployments and pods of the apps' gateways, each with its EnvoyProxy. */
function envoyFleet(cp, objects) {
  const proxies = ofKind(objects, 'EnvoyProxy');
  const classes = ofKind(objects, 'GatewayClass');
  const proxyOfClass = (name) => {
    const ref = classes.find((c) => c.metadata.name === name)?.spec.parametersRef;
    return ref && proxies.find((p) => p.metadata.name === ref.name && p.metadata.namespace === ref.namespace);
  };
  const gateways = ofKind(objects, 'Gateway');
  const deployments = cp.getJson(['deployments', '-n', addons.EG_NAMESPACE, '-l', 'app.kubernetes.io/name=envoy']).items;
  const pods = cp.getJson(['pods', '-n', addons.EG_NAMESPACE, '-l', 'app.kubernetes.io/name=envoy']).items;
  const fleet = [];
  for (const d of deployments) {
    const l = d.metadata.labels;
    const cls = l['gateway.envoyproxy.io/owning-gatewayclass']
      ?? gateways.find((g) => g.metadata.name === l['gateway.envoyproxy.io/owning-gateway-name'] && g.metadata.namespace === l['gateway.envoyproxy.io/owning-gateway-namespace'])?.spec.gatewayClassName;
    const proxy = cls && proxyOfClass(cls);
    if (!proxy) continue;
    const sel = d.spec.selector.matchLabels;
    fleet.push({ deployment: d, proxy, pods: pods.filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v)) });
  }
  return fleet;
}

const requestsQat = (proxy) => Object.keys(proxy.spec.provider.kubernetes.envoyDeployment.container.resources?.limits ?? {}).some((r) => r.startsWith('qat.intel.com/'));
const requiresLabel = (proxy, label) => JSON.stringify(proxy.spec.provider.kubernetes.envoyDeployment.pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? {}).includes(`"${label}"`);

/** Label keys of the app's NodeFeatureRules, and the nodes each must be on (by the rule's purpose). */
function intendedLabels(rules) {
  const INTENDED = { 'cryptomb-avx512': ['spr-qat', 'icx'], 'atls-qat-ready': ['spr-qat'], 'atls-qat-pf': ['spr-qat'] };
  const keys = new Set(); const intended = {};
  for (const r of rules) {
    const nodes = INTENDED[r.metadata.name];
    if (!nodes) throw new Error(`NodeFeatureRule ${r.metadata.name}: the check does not know which simulated nodes it is meant for`);
    for (const rule of r.spec.rules) {
      for (const k of Object.keys(rule.labels ?? {})) {
        keys.add(k);
        for (const n of nodes) (intended[n] ??= new Set()).add(k);
      }
    }
  }
  return { keys: [...keys], intended: Object.fromEntries(Object.entries(intended).map(([n, ks]) => [n, [...ks]])) };
}

/**
 * The Envoy Service of a Gateway stuck in AddressNotAssigned although the Service already has a
 * ready endpoint. Envoy Gateway v1.9 takes a NodePort Gateway's addresses (externalTrafficPolicy
 * Local) from the Service's EndpointSlices but does not watch them: when the Envoy Deployment turns
 * Available before its EndpointSlice is Ready, the Gateway waits for the next event on its Service
 * or Deployment, which simulated pods (Ready at once, never again updated) do not produce.
 */
function addressRace(cp, gateway) {
  const programmed = A.cond(gateway, 'Programmed');
  // Only a Gateway stuck for 10 s: a fresh one may still get its address on its own.
  if (programmed?.reason !== 'AddressNotAssigned' || Date.now() - Date.parse(programmed.lastTransitionTime) < 10000) return undefined;
  const services = cp.getJson(['services', '-n', addons.EG_NAMESPACE, '-l', 'app.kubernetes.io/name=envoy']).items.filter((svc) => {
    const l = svc.metadata.labels;
    return (l['gateway.envoyproxy.io/owning-gateway-name'] === gateway.metadata.name && l['gateway.envoyproxy.io/owning-gateway-namespace'] === gateway.metadata.namespace)
      || l['gateway.envoyproxy.io/owning-gatewayclass'] === gateway.spec.gatewayClassName;
  });
  return services.find((svc) => cp.getJson(['endpointslices', '-n', addons.EG_NAMESPACE, '-l', `kubernetes.io/service-name=${svc.metadata.name}`]).items
    .some((es) => (es.endpoints ?? []).some((e) => e.nodeName && e.conditions?.ready)));
}

/**
 * Waits until Envoy Gateway has programmed everything (or the time is up; the assertions then say
 * why). A Gateway caught by the race of addressRace() gets the event a real cluster would send
 * sooner or later: its Envoy Service is annotated, once; the count is reported.
 */
async function settle(cp, objects, timeoutMs) {
  const nudged = new Set();
  try {
    await waitFor('Envoy Gateway to program every gateway, route and policy', () => {
      const s = gatewayState(cp, objects);
      if (A.envoyGatewayStatus(s.classes, s.gateways, s.routes, s.policies).failures.length === 0) return true;
      for (const g of s.gateways) {
        const key = `${g.metadata.namespace}/${g.metadata.name}`;
        const svc = !nudged.has(key) && addressRace(cp, g);
        if (!svc) continue;
        nudged.add(key);
        log(`Gateway ${key}: AddressNotAssigned while Service ${svc.metadata.name} has a ready endpoint; annotating the Service (Envoy Gateway does not watch its EndpointSlices)`);
        cp.kubectl(['annotate', 'service', svc.metadata.name, '-n', addons.EG_NAMESPACE, '--overwrite', `cdk8s-accelerated-tls.check/resync=${Date.now()}`]);
      }
      return false;
    }, timeoutMs, 2000);
  } catch (e) { log(e.message.split('\n')[0]); }
  notes.push(`${nudged.size} Gateway(s) needed an extra event on their Envoy Service to get an address${nudged.size ? `: ${[...nudged].join(', ')}` : ''}`);
}

/** The assertions of section "What the cluster check runs" over `apps` ([name, dir, objects]). */
async function assertApps(cp, apps) {
  // Apps may emit the same object (the guard, the CryptoMB rule): each is checked once.
  const key = (o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const objects = [...new Map(apps.flatMap(([, , o]) => o).map((o) => [key(o), o])).values()];
  for (const [name, dir] of apps) record('apply: a second apply changes nothing', { checked: 1, failures: diffIsEmpty(cp, name, dir) });

  const s = gatewayState(cp, objects);
  record('Envoy Gateway: classes, gateways, listeners, routes, EnvoyPatchPolicies', A.envoyGatewayStatus(s.classes, s.gateways, s.routes, s.policies));
  const fleet = envoyFleet(cp, objects);
  // One Envoy Deployment per gateway, or per GatewayClass when its gateways are merged.
  const fleets = new Set(s.gateways.map((g) => {
    const ref = s.classes.find((c) => c.metadata.name === g.spec.gatewayClassName)?.spec.parametersRef;
    const proxy = ref && ofKind(objects, 'EnvoyProxy').find((p) => p.metadata.name === ref.name);
    return proxy?.spec.mergeGateways ? `class ${g.spec.gatewayClassName}` : `gateway ${g.metadata.namespace}/${g.metadata.name}`;
  }));
  record('Envoy Gateway: rendered Envoy Deployments', { checked: 1, failures: fleet.length === fleets.size ? [] : [`${fleet.length} Envoy Deployments for ${fleets.size} Envoy fleets (${[...fleets].join(', ')})`] });
  for (const f of fleet) record('Envoy Gateway: rendered Envoy Deployments', A.envoyDeployment(f.deployment, f.proxy));

  const vaps = ofKind(objects, 'ValidatingAdmissionPolicy');
  for (const v of vaps) {
    const vap = await waitFor(`status.typeChecking of ${v.metadata.name}`, () => { const x = live(cp, v); return x.status?.typeChecking ? x : undefined; }, 60000, 1000).catch(() => live(cp, v));
    record('guard: type checking, our policies admitted, malicious ones denied', A.guardTypeChecking(vap));
    const admitted = s.policies;
    record('guard: type checking, our policies admitted, malicious ones denied', { checked: admitted.length, failures: admitted.length ? [] : ['no EnvoyPatchPolicy of the app was admitted'] });
    if (admitted.length) {
      const tries = attempts(cp, admitted[0]);
      record('guard: type checking, our policies admitted, malicious ones denied', A.guardDenies(tries, v.metadata.name));
    }
  }

  const rules = ofKind(objects, 'NodeFeatureRule');
  if (rules.length) {
    const { keys, intended } = intendedLabels(rules);
    await waitFor('NFD labels', () => A.nodeLabels(cp.getJson(['nodes']).items, keys, intended).failures.length === 0, 60000, 1000).catch(() => undefined);
    record('NFD: node labels', A.nodeLabels(cp.getJson(['nodes']).items, keys, intended));
  }

  const pods = cp.getJson(['pods', '-A']).items;
  const podsOf = (w) => pods.filter((p) => p.metadata.namespace === w.metadata.namespace && Object.entries(w.spec.selector?.matchLabels ?? w.spec.template.metadata.labels ?? {})
    .every(([k, v]) => p.metadata.labels?.[k] === v));
  const sched = 'scheduling: QAT on spr-qat, CryptoMB never on skx/arm64, QAT plugin and host prep on spr-qat, benchmark apart';
  log(`Envoy placement: ${fleet.map((f) => `${f.deployment.metadata.name} -> ${f.pods.map((p) => p.spec.nodeName ?? 'pending').join('+')}`).join(', ')}`);
  for (const f of fleet) {
    if (requestsQat(f.proxy)) record(sched, A.boundTo(`QAT Envoy ${f.deployment.metadata.name}`, f.pods, ['spr-qat']));
    if (requiresLabel(f.proxy, 'feature.node.kubernetes.io/cryptomb-avx512')) record(sched, A.boundTo(`CryptoMB Envoy ${f.deployment.metadata.name}`, f.pods, ['spr-qat', 'icx']));
  }
  for (const ds of ofKind(objects, 'DaemonSet').filter((d) => Object.keys(d.spec.template.spec.nodeSelector ?? {}).some((k) => /qat/.test(k)))) {
    record(sched, A.boundTo(`DaemonSet ${ds.metadata.name}`, podsOf(ds), ['spr-qat']));
  }
  for (const job of ofKind(objects, 'Job').filter((j) => j.metadata.labels?.['app.kubernetes.io/name'] === 'handshake-benchmark')) {
    record(sched, A.benchmarkApart(podsOf(job), fleet.flatMap((f) => f.pods)));
  }

  const workloads = liveAll(cp, ofKind(objects, 'Deployment', 'DaemonSet', 'Job'));
  record('Pod Security: every pod the controllers create is admitted', A.podSecurity(cp, [...workloads, ...fleet.map((f) => f.deployment)]));
  record('xDS: QAT/CryptoMB provider config as Envoy reads it (contrib types, strict, ValidateAll, the Secret\'s key)', await providerConfig(cp, objects, fleet));
}

function recordCrashes(cp) {
  record('components kept running', { checked: cp.started.length, failures: cp.crashed().map((c) => `${c} died:\n${cp.logTail(c.split(' ')[0])}`) });
}

async function freshCluster(apps) {
  const cp = new ControlPlane(bin, path.join(work, 'fresh'), IP, 0);
  try {
    await cp.start();
    log('fresh cluster: control plane up');
    addons.startKwok(cp);
    await addons.createNodes(cp);
    log(`Envoy Gateway ${EG_VERSION}: ${addons.installEnvoyGateway(cp, EG_MODULE_DIR)} CRD files applied, certgen done`);
    await addons.startEnvoyGateway(cp, egConfigOf(apps[0][2]));
    for (const [name, dir, objects] of apps) {
      record('apply: every object admitted, no warning', applyAsReadme(cp, name, dir));
      log(`applied ${name} (${objects.length} objects), ${createCertificates(cp, objects)} TLS Secrets created`);
      if (objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'node-feature-discovery')) {
        addons.publishNodeFeatures(cp, 'node-feature-discovery');
        addons.startNfdMaster(cp, 'node-feature-discovery');
      }
    }
    await settle(cp, apps.flatMap(([, , o]) => o), 150000);
    log('settled');
    await assertApps(cp, apps);
    log('assertions done; Envoy in the loop');
    const objects = apps.flatMap(([, , o]) => o);
    const ctx = { objects, state: gatewayState(cp, objects), fleet: envoyFleet(cp, objects), bin, work, log, notes };
    for (const [group, r] of await dataPlane.check(cp, ctx)) record(group, r);
    log('negative controls');
    for (const c of await negative.run(cp, apps[0][2], work)) record('negative controls: each makes its assertion fail', c);
    recordCrashes(cp);
  } finally {
    await cp.stop();
    log('fresh cluster stopped');
  }
}

async function existingNfdCluster(name, dir, objects) {
  const cp = new ControlPlane(bin, path.join(work, 'existing-nfd'), IP, 1);
  try {
    await cp.start();
    log('existing-NFD cluster: control plane up');
    addons.startKwok(cp);
    await addons.createNodes(cp);
    addons.installEnvoyGateway(cp, EG_MODULE_DIR);
    const crdFile = path.join(NFD_MODULE_DIR, 'deployment', 'base', 'nfd-crds', 'nfd-api-crds.yaml');
    cp.kubectl(['create', 'namespace', 'node-feature-discovery']);
    cp.kubectl(['apply', '--server-side', '--field-manager=nfd-install', '-f', crdFile]);
    cp.kubectl(['wait', '--for', 'condition=Established', '--timeout=60s', '-f', crdFile]);
    addons.publishNodeFeatures(cp, 'node-feature-discovery');
    addons.startNfdMaster(cp, 'node-feature-discovery');
    const names = readYamlDocs(crdFile).map((c) => c.metadata.name);
    const before = names.map((n) => cp.getJson(['crd', n]));
    await addons.startEnvoyGateway(cp, egConfigOf(objects));
    record('apply: every object admitted, no warning', applyAsReadme(cp, name, dir));
    createCertificates(cp, objects);
    record('existing NFD: upstream CRD schemas unchanged', A.crdsUnchanged(before, names.map((n) => cp.getJson(['crd', n]))));
    await settle(cp, objects, 120000);
    await assertApps(cp, [[name, dir, objects]]);
    record('existing NFD: upstream CRD schemas unchanged', A.crdsUnchanged(before, names.map((n) => cp.getJson(['crd', n]))));
    recordCrashes(cp);
  } finally {
    await cp.stop();
  }
}

(async () => {
  const load = (name, dir) => [name, dir, appObjects(dir)];
  const fresh = [load('example', exampleDir), load('merged', path.join(scenariosDir, 'merged')), load('https', path.join(scenariosDir, 'https')),
    load('handshake-check', path.join(scenariosDir, 'handshake-check'))];
  try {
    await freshCluster(fresh);
    await sleep(500);
    const [name, dir, objects] = load('existing-nfd', path.join(scenariosDir, 'existing-nfd'));
    await existingNfdCluster(name, dir, objects);
  } catch (e) {
    record('the check ran to the end', { checked: 1, failures: [e.stack ?? String(e)] });
  }
  console.log('\nCluster check results (checks per group, failures with their reasons):');
  let failed = 0;
  for (const [group, r] of results) {
    console.log(`  ${r.failures.length ? 'FAIL' : 'ok  '} ${group}: ${r.checked} checked, ${r.failures.length} failed`);
    for (const f of r.failures) console.log(`         - ${f.replace(/\n/g, '\n           ')}`);
    failed += r.failures.length;
  }
  for (const n of notes) console.log(`  note: ${n}`);
  log(failed ? `cluster check FAILED (${failed} failures)` : 'cluster check passed');
  process.exit(failed ? 1 : 0);
})();
