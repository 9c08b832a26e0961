import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { defineEdge } from '../../examples/edge';
import { AcceleratedTlsGateway, EnvoyGatewayConfig, EnvoyPatchPolicyGuard, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate } from '../../src';
import { find, newChart, synthApp } from '../util';

const LISTENERS = [{ certificate: TlsCertificate.fromSecretName('c', { keyAlgorithm: KeyAlgorithm.RSA_2048 }), backend: { serviceName: 'b', port: 80 } }];
const guards = (app: any) => app.node.findAll().filter((c: any) => c instanceof EnvoyPatchPolicyGuard).map((c: any) => c.node.path);
const admission = (objects: any[]) => objects.filter((o) => o.apiVersion === 'admissionregistration.k8s.io/v1');

test('a policy matching EnvoyPatchPolicy writes, failing closed, and a Deny binding for every namespace', () => {
  const { app, chart } = newChart();
  const guard = new EnvoyPatchPolicyGuard(chart, 'guard');
  const objects = synthApp(app);
  const vap = find(objects, 'ValidatingAdmissionPolicy');
  expect(vap.metadata).toEqual({ name: 'atls-envoy-patch-policy-guard' });
  expect(vap.spec.failurePolicy).toBe('Fail');
  expect(vap.spec.matchConstraints).toEqual({
    matchPolicy: 'Equivalent',
    resourceRules: [{ apiGroups: ['gateway.envoyproxy.io'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: ['envoypatchpolicies'] }],
  });
  expect(vap.spec.validations.length).toBeGreaterThan(5);
  expect(find(objects, 'ValidatingAdmissionPolicyBinding')).toEqual({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'atls-envoy-patch-policy-guard' },
    spec: { policyName: 'atls-envoy-patch-policy-guard', validationActions: ['Deny'] },
  });
  expect(guard.enabled).toBe(true);
  expect(guard.policy?.kind).toBe('ValidatingAdmissionPolicy');
  expect(guard.binding?.kind).toBe('ValidatingAdmissionPolicyBinding');
});

test('the example gets exactly one guard, from its first gateway with a provider', () => {
  const app = Testing.app();
  defineEdge(app);
  expect(guards(app)).toEqual(['qat-gateway/EnvoyPatchPolicyGuard']);
  expect(admission(synthApp(app)).map((o) => o.kind)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
});

test.each(['before', 'after'])('an explicit guard declared %s the gateways replaces the implicit one', (order) => {
  const { app } = newChart('unused');
  const declare = () => new EnvoyPatchPolicyGuard(new Chart(app, 'security'), 'guard');
  if (order === 'before') declare();
  for (const n of ['a', 'b']) {
    new AcceleratedTlsGateway(new Chart(app, `gw-${n}`), 'gw', { name: n, provider: KeyProvider.qat(), listeners: LISTENERS });
  }
  if (order === 'after') declare();
  expect(guards(app)).toEqual(['security/guard']);
  expect(admission(synthApp(app))).toHaveLength(2);
});

test('software gateways never create a guard', () => {
  const { app, chart } = newChart();
  new AcceleratedTlsGateway(chart, 'gw', { provider: KeyProvider.software(), listeners: LISTENERS });
  expect(guards(app)).toEqual([]);
  expect(admission(synthApp(app))).toEqual([]);
});

test.each(['before', 'after'])('enabled: false declared %s the gateways opts the app out, independently of EnvoyGatewayConfig', (order) => {
  const { app, chart } = newChart();
  new EnvoyGatewayConfig(chart, 'cfg');
  const optOut = () => new EnvoyPatchPolicyGuard(chart, 'guard', { enabled: false });
  if (order === 'before') optOut();
  new AcceleratedTlsGateway(chart, 'gw', { provider: KeyProvider.qat(), listeners: LISTENERS });
  if (order === 'after') optOut();
  const guard = app.node.findAll().find((c) => c instanceof EnvoyPatchPolicyGuard) as EnvoyPatchPolicyGuard;
  expect(guard.enabled).toBe(false);
  expect(guard.policy).toBeUndefined();
  expect(guard.binding).toBeUndefined();
  const objects = synthApp(app);
  expect(admission(objects)).toEqual([]);
  expect(objects.filter((o) => o.kind === 'ConfigMap')).toHaveLength(1);
});

test('a Helm-managed install (no EnvoyGatewayConfig, no ConfigMap) keeps the guard', () => {
  const { app, chart } = newChart();
  new AcceleratedTlsGateway(chart, 'gw', { provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }), listeners: LISTENERS });
  const objects = synthApp(app);
  expect(objects.filter((o) => o.kind === 'ConfigMap')).toHaveLength(0);
  expect(admission(objects)).toHaveLength(2);
});

test('a second explicit guard is an error naming both paths', () => {
  const { chart } = newChart();
  new EnvoyPatchPolicyGuard(chart, 'guard', { enabled: false });
  expect(() => new EnvoyPatchPolicyGuard(chart, 'again'))
    .toThrow('test/again: [ATLS-APP002] id: EnvoyPatchPolicyGuard exists once per app; test/guard already defines it');
});

test('allowedPatches and exemptNamespaces extend the guard', () => {
  const { app, chart } = newChart();
  new EnvoyPatchPolicyGuard(chart, 'guard', {
    name: 'edge-guard',
    allowedPatches: ["object.metadata.namespace == 'edge-admin'"],
    exemptNamespaces: ['platform', 'envoy-gateway-system'],
  });
  const objects = synthApp(app);
  const vap = find(objects, 'ValidatingAdmissionPolicy');
  expect(vap.metadata.name).toBe('edge-guard');
  const perPatch = vap.spec.validations.filter((v: any) => v.expression.includes('jsonPatches.all('));
  expect(perPatch.length).toBe(vap.spec.validations.length - 1);
  for (const v of perPatch) expect(v.expression).toContain("all(p, (object.metadata.namespace == 'edge-admin') || (");
  expect(find(objects, 'ValidatingAdmissionPolicyBinding').spec).toEqual({
    policyName: 'edge-guard',
    validationActions: ['Deny'],
    matchResources: {
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['envoy-gateway-system', 'platform'] }] },
    },
  });
});

describe('properties', () => {
  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);

  test('valid exemptNamespaces become exactly the binding\'s NotIn list, sorted', () => {
    fc.assert(fc.property(fc.uniqueArray(label, { minLength: 1, maxLength: 5 }), (namespaces) => {
      const { chart } = newChart();
      new EnvoyPatchPolicyGuard(chart, 'guard', { exemptNamespaces: namespaces });
      const binding = find(Testing.synth(chart), 'ValidatingAdmissionPolicyBinding');
      expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual([...namespaces].sort());
    }), { numRuns: 300 });
  });

  test('invalid or duplicate exemptNamespaces are ATLS-NAME001 / ATLS-GRD001 errors naming the prop', () => {
    const bad = fc.oneof(fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)), fc.constant('a'.repeat(64)));
    fc.assert(fc.property(fc.array(label, { maxLength: 3 }), bad, (good, b) => {
      const { chart } = newChart();
      expect(() => new EnvoyPatchPolicyGuard(chart, 'guard', { exemptNamespaces: [...good, b] }))
        .toThrow(new RegExp(`^test/guard: \\[ATLS-NAME001\\] exemptNamespaces\\[${good.length}\\]: `));
    }), { numRuns: 300 });
    fc.assert(fc.property(label, (ns) => {
      const { chart } = newChart();
      expect(() => new EnvoyPatchPolicyGuard(chart, 'guard', { exemptNamespaces: [ns, ns] })).toThrow(/^test\/guard: \[ATLS-GRD001\] exemptNamespaces: duplicate/);
    }), { numRuns: 20 });
  });

  test('every allowed patch condition guards every per-patch validation, in order, and nothing else changes', () => {
    const { chart: base } = newChart();
    new EnvoyPatchPolicyGuard(base, 'guard');
    const plain = find(Testing.synth(base), 'ValidatingAdmissionPolicy');
    const condition = fc.stringMatching(/^[a-z_.' =&|!]{1,30}$/).filter((s) => s.trim().length > 0 && (s.split("'").length - 1) % 2 === 0);
    fc.assert(fc.property(fc.array(condition, { minLength: 1, maxLength: 3 }), (conditions) => {
      const { chart } = newChart();
      new EnvoyPatchPolicyGuard(chart, 'guard', { allowedPatches: conditions });
      const vap = find(Testing.synth(chart), 'ValidatingAdmissionPolicy');
      const prefix = conditions.map((c) => `(${c}) || `).join('');
      vap.spec.validations.forEach((v: any, i: number) => {
        const original = plain.spec.validations[i];
        expect(v.message).toBe(original.message);
        expect(v.expression).toBe(original.expression.replace('.all(p, ', `.all(p, ${prefix}`));
      });
    }), { numRuns: 200 });
  });

  test('blank or unbalanced allowedPatches are ATLS-GRD001 errors naming the entry', () => {
    const bad = fc.oneof(
      fc.constantFrom('', '  ', 'true) || (true', "p.name == 'x", 'size(p.name', 'a]'),
      fc.string({ maxLength: 5 }).map((s) => `${s.replace(/[()[\]{}'"\\]/g, '')})`),
    );
    fc.assert(fc.property(fc.array(fc.constant('true'), { maxLength: 2 }), bad, (good, b) => {
      const { chart } = newChart();
      expect(() => new EnvoyPatchPolicyGuard(chart, 'guard', { allowedPatches: [...good, b] }))
        .toThrow(new RegExp(`^test/guard: \\[ATLS-GRD001\\] allowedPatches\\[${good.length}\\]: `));
    }), { numRuns: 200 });
  });

  test('any number of gateways in any charts yields one guard, in the first provider gateway\'s chart', () => {
    const providers = fc.array(fc.constantFrom('qat', 'cryptomb', 'software'), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(providers, (kinds) => {
      const { app } = newChart('unused');
      kinds.forEach((k, i) => {
        const provider = k === 'qat' ? KeyProvider.qat() : k === 'cryptomb' ? KeyProvider.cryptoMb({ placement: NodePlacement.ANY }) : KeyProvider.software();
        new AcceleratedTlsGateway(new Chart(app, `c${i}`), 'gw', { name: `g${i}`, provider, listeners: LISTENERS });
      });
      const first = kinds.findIndex((k) => k !== 'software');
      expect(guards(app)).toEqual(first < 0 ? [] : [`c${first}/EnvoyPatchPolicyGuard`]);
      expect(admission(app.charts.flatMap((c) => Testing.synth(c)))).toHaveLength(first < 0 ? 0 : 2);
    }), { numRuns: 100 });
  });
});
