import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, KeyAlgorithm, KeyProvider, NodeFeatureDiscovery, NodePlacement, TlsCertificate,
} from '../../src';
import { find, synthApp, testUpstream } from '../util';
import { prune, schemaOf, upstreamCrds, validatorOf } from '../util/crd-schema';

const LISTENERS = [{ certificate: TlsCertificate.fromSecretName('c', { keyAlgorithm: KeyAlgorithm.RSA_2048 }), backend: { serviceName: 'b', port: 80 } }];
const TASK_LABELS = ['AVX512F', 'AVX512DQ', 'AVX512BW', 'AVX512IFMA', 'AVX512VBMI2'].map((f) => `feature.node.kubernetes.io/cpu-cpuid.${f}`);

type Nfd = 'affinity' | 'existing' | 'none';

/** An app with a CryptoMB gateway and the given source of node labels. */
function cryptoMbApp(nfd: Nfd, placement?: NodePlacement): App {
  const app = Testing.app();
  if (nfd === 'affinity') new CryptoMbAffinity(new Chart(app, 'node-features'), 'cryptomb');
  if (nfd === 'existing') NodeFeatureDiscovery.useExisting(app);
  new AcceleratedTlsGateway(new Chart(app, 'gw'), 'gw', { name: 'eg', provider: KeyProvider.cryptoMb({ placement }), listeners: LISTENERS });
  return app;
}

const affinityOf = (app: App) => find(synthApp(app), 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment.pod.affinity;

describe('the NodeFeatureRule', () => {
  const app = Testing.app();
  const affinity = new CryptoMbAffinity(new Chart(app, 'node-features'), 'cryptomb');
  const rule = find(synthApp(app), 'NodeFeatureRule');

  test('labels nodes whose raw cpuid has the AVX-512 set and BMI2', () => {
    expect(rule.metadata).toEqual({ name: 'cryptomb-avx512' });
    expect(rule.spec).toEqual({
      rules: [{
        name: 'cryptomb.avx512',
        labels: { 'feature.node.kubernetes.io/cryptomb-avx512': 'true' },
        matchFeatures: [{
          feature: 'cpu.cpuid',
          matchExpressions: Object.fromEntries(['AVX512F', 'AVX512DQ', 'AVX512BW', 'AVX512IFMA', 'AVX512VBMI2', 'BMI2'].map((f) => [f, { op: 'Exists' }])),
        }],
      }],
    });
    expect(affinity.label).toBe(CryptoMbAffinity.NODE_LABEL);
    expect(CryptoMbAffinity.NODE_LABEL).toBe('feature.node.kubernetes.io/cryptomb-avx512');
  });

  testUpstream('validates against upstream\'s NodeFeatureRule schema, with nothing pruned', () => {
    const schema = schemaOf(upstreamCrds('nfd-v0.19.0-api-crds.yaml')['nodefeaturerules.nfd.k8s-sigs.io']);
    expect(validatorOf(schema)(rule)).toEqual([]);
    expect(prune(schema, rule)).toEqual(rule);
    // The validator does reject what upstream rejects.
    expect(validatorOf(schema)({ ...rule, spec: { rules: [{ name: 'x', matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { A: { op: 'Maybe' } } }] }] } })).not.toEqual([]);
  });

  test('brings NFD along; with useExisting only the rule', () => {
    expect(synthApp(app).filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name)).toEqual(['nfd-worker']);
    const existing = Testing.app();
    NodeFeatureDiscovery.useExisting(existing);
    new CryptoMbAffinity(new Chart(existing, 'node-features'), 'cryptomb', { ruleName: 'avx512' });
    expect(synthApp(existing).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['NodeFeatureRule/avx512']);
  });

  test('property: any ruleName synthesizes or throws an error naming ruleName', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('cryptomb', 'a.b-c')), (ruleName) => {
      const a = Testing.app();
      try {
        new CryptoMbAffinity(new Chart(a, 'c'), 'x', { ruleName });
        expect(find(synthApp(a), 'NodeFeatureRule').metadata.name).toBe(ruleName);
      } catch (e) {
        expect((e as Error).message).toMatch(/^c\/x: \[ATLS-NAME001\] ruleName: /);
      }
    }), { numRuns: 1000 });
  });
});

describe('CryptoMB gateway affinity', () => {
  const ours = [{ key: CryptoMbAffinity.NODE_LABEL, operator: 'In', values: ['true'] }];
  const task = TASK_LABELS.map((key) => ({ key, operator: 'Exists' }));
  const required = (expr: any[]) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expr }] } },
  });
  const preferred = (expr: any[]) => ({
    nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: expr } }] },
  });

  test.each<[Nfd, NodePlacement | undefined, any]>([
    ['affinity', undefined, required(ours)],
    ['affinity', NodePlacement.REQUIRED, required(ours)],
    ['affinity', NodePlacement.PREFERRED, preferred(ours)],
    ['affinity', NodePlacement.ANY, undefined],
    ['existing', NodePlacement.REQUIRED, required(task)],
    ['existing', NodePlacement.PREFERRED, preferred(task)],
    ['existing', NodePlacement.ANY, undefined],
    ['none', NodePlacement.PREFERRED, preferred(task)],
    ['none', NodePlacement.ANY, undefined],
  ])('NFD from %s, placement %s', (nfd, placement, expected) => {
    expect(affinityOf(cryptoMbApp(nfd, placement))).toEqual(expected);
  });

  test('CryptoMbAffinity declared after the gateway still applies', () => {
    const app = Testing.app();
    new AcceleratedTlsGateway(new Chart(app, 'gw'), 'gw', { name: 'eg', provider: KeyProvider.cryptoMb(), listeners: LISTENERS });
    new CryptoMbAffinity(new Chart(app, 'node-features'), 'cryptomb');
    expect(affinityOf(app)).toEqual(required(ours));
  });

  test('REQUIRED with neither NFD nor useExisting is a synth-time error', () => {
    expect(() => synthApp(cryptoMbApp('none'))).toThrow(/gw\/gw: \[ATLS-AFF001\] provider.placement: REQUIRED placement needs node labels/);
    expect(() => cryptoMbApp('none').synth()).toThrow(/ATLS-AFF001/);
  });

  test('an explicit NodeFeatureDiscovery alone satisfies REQUIRED with the private key provider task\'s labels', () => {
    const app = Testing.app();
    new NodeFeatureDiscovery(new Chart(app, 'nfd'), 'nfd');
    new AcceleratedTlsGateway(new Chart(app, 'gw'), 'gw', { name: 'eg', provider: KeyProvider.cryptoMb(), listeners: LISTENERS });
    expect(affinityOf(app)).toEqual(required(task));
  });
});
