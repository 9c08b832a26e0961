// The negative controls: for each kind of mistake, an input that has it, and the assertion that
// must then fail. A control that does not make its assertion fail is itself a failure.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const A = require('./assertions');
const { applyAsReadme } = require('./apply');
const { waitFor } = require('./control-plane');

const clean = (o) => {
  const c = JSON.parse(JSON.stringify(o));
  for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']) delete c.metadata[k];
  delete c.status;
  return c;
};

/** Runs `control` (which returns an assertion result); passes when that result has failures. */
async function expectFailure(name, control) {
  const t0 = Date.now();
  try {
    const r = await control();
    if (r.failures.length) {
      console.log(`    negative control "${name}" failed as it must (${((Date.now() - t0) / 1000).toFixed(0)}s): ${r.failures[0].split('\n')[0].slice(0, 240)}`);
      return { checked: 1, failures: [] };
    }
    return { checked: 1, failures: [`negative control "${name}": the assertion passed (${r.checked} checked), so it cannot catch this mistake`] };
  } catch (e) {
    return { checked: 1, failures: [`negative control "${name}" could not run: ${e.message}`] };
  }
}

/** An EnvoyPatchPolicy whose patches name a Secret no listener serves: Envoy Gateway does not program it. */
async function wrongSecret(cp, appObjects) {
  const mine = appObjects.find((o) => o.kind === 'EnvoyPatchPolicy');
  const p = clean(mine);
  p.metadata.name = 'negative-wrong-secret';
  for (const patch of p.spec.jsonPatches) patch.name = `${p.metadata.namespace}/not-a-listener-secret`;
  cp.kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify(p));
  const get = () => cp.getJson(['envoypatchpolicy', p.metadata.name, '-n', p.metadata.namespace]);
  await waitFor('Envoy Gateway\'s status of the wrong-Secret policy', () => get().status?.ancestors?.some((a) => a.conditions?.some((c) => c.type === 'Programmed')), 60000, 1000).catch(() => undefined);
  const r = A.envoyGatewayStatus([], [], [], [get()]);
  cp.kubectl(['delete', 'envoypatchpolicy', p.metadata.name, '-n', p.metadata.namespace]);
  return r;
}

/** A CryptoMB rule without IFMA (and VBMI2): pods that require its label land on skx. */
async function cryptoMbWithoutIfma(cp) {
  const label = 'feature.node.kubernetes.io/negative-cryptomb-without-ifma';
  cp.kubectl(['create', 'namespace', 'negative-cryptomb']);
  cp.kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify({
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1', kind: 'NodeFeatureRule', metadata: { name: 'negative-cryptomb-without-ifma' },
    spec: { rules: [{ name: 'negative', labels: { [label]: 'true' }, matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: Object.fromEntries(['AVX512F', 'AVX512BW', 'AVX512DQ', 'BMI2'].map((f) => [f, { op: 'Exists' }])) }] }] },
  }));
  // The pods come once nfd-master has labelled the nodes (else they spread over the ones labelled so far).
  await waitFor(`nfd-master to label every AVX-512 node with ${label}`, () => cp.getJson(['nodes', '-l', label]).items.length === 3, 60000, 1000).catch(() => undefined);
  cp.kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cryptomb-like', namespace: 'negative-cryptomb' },
    spec: {
      replicas: 3, selector: { matchLabels: { app: 'cryptomb-like' } },
      template: {
        metadata: { labels: { app: 'cryptomb-like' } },
        spec: {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: label, operator: 'In', values: ['true'] }] }] } } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'cryptomb-like' } } }],
          containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }],
        },
      },
    },
  }] }));
  const pods = () => cp.getJson(['pods', '-n', 'negative-cryptomb']).items;
  await waitFor('the CryptoMB-like pods to be scheduled', () => pods().length === 3 && pods().every((p) => p.spec.nodeName), 60000, 1000).catch(() => undefined);
  const r = A.boundTo('CryptoMB-like pods (rule without IFMA)', pods(), ['spr-qat', 'icx']);
  cp.kubectl(['delete', 'namespace', 'negative-cryptomb', '--wait=false']);
  cp.kubectl(['delete', 'nodefeaturerule', 'negative-cryptomb-without-ifma']);
  return r;
}

/** A privileged container in a restricted namespace: Pod Security refuses its pods. */
async function privilegedInRestricted(cp) {
  const ns = 'negative-restricted';
  cp.kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'privileged', namespace: ns },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'privileged' } },
        template: { metadata: { labels: { app: 'privileged' } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }] } },
      },
    },
  ] }));
  await waitFor('the ReplicaSet\'s FailedCreate event', () => cp.getJson(['events', '-n', ns, '--field-selector', 'reason=FailedCreate']).items.length > 0, 30000, 1000).catch(() => undefined);
  const r = A.podSecurity(cp, [cp.getJson(['deployment', 'privileged', '-n', ns])]);
  cp.kubectl(['delete', 'namespace', ns, '--wait=false']);
  return r;
}

/** A CRD in the same file as an object of its kind: applying as the README says fails on a fresh cluster. */
async function crdWithItsResource(cp, work) {
  const dir = path.join(work, 'negative-crd-with-resource');
  fs.mkdirSync(dir, { recursive: true });
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.negative.atls.example' },
    spec: {
      group: 'negative.atls.example', scope: 'Cluster', names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  const widget = { apiVersion: 'negative.atls.example/v1', kind: 'Widget', metadata: { name: 'w' } };
  fs.writeFileSync(path.join(dir, '0000-features.k8s.yaml'), [crd, widget].map((o) => JSON.stringify(o)).join('\n---\n'));
  const r = applyAsReadme(cp, 'a CRD with its resource', dir);
  cp.kubectlResult(['delete', 'crd', crd.metadata.name]);
  return r;
}

/** An object the apiserver admits with a warning (a deprecated pod annotation): the apply must report it. */
async function admittedWithWarning(cp, work) {
  const dir = path.join(work, 'negative-warning');
  const ns = 'negative-warning';
  fs.mkdirSync(dir, { recursive: true });
  const labels = { app: 'deprecated' };
  fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'deprecated', namespace: ns },
      spec: {
        replicas: 0, selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } },
          spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
        },
      },
    },
  ].map((o) => JSON.stringify(o)).join('\n---\n'));
  const r = applyAsReadme(cp, 'an object admitted with a warning', dir);
  cp.kubectlResult(['delete', 'namespace', ns, '--wait=false']);
  return r;
}

async function run(cp, exampleObjects, work) {
  return [
    await expectFailure('a policy naming a wrong Secret (Envoy Gateway does not program it)', () => wrongSecret(cp, exampleObjects)),
    await expectFailure('a CryptoMB rule without IFMA (a pod lands on skx)', () => cryptoMbWithoutIfma(cp)),
    await expectFailure('a privileged container in a restricted namespace', () => privilegedInRestricted(cp)),
    await expectFailure('a CRD in the same file as its resource', () => crdWithItsResource(cp, work)),
    await expectFailure('an object the apiserver admits with a warning', () => admittedWithWarning(cp, work)),
  ];
}

module.exports = { run, clean, expectFailure };
