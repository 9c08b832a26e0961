// The CryptoMB provider: its patch value, node placement, key fit and benchmark evidence.
import { Chart } from 'cdk8s';
import { CryptoMbAffinity, KeyAlgorithm, KeyProvider, NodePlacement } from '../../src';
import { AppRegistry } from '../../src/core/app-registry';
import { CRYPTOMB_CONFIG_TYPE } from '../../src/key-providers/config-types';
import { newChart } from '../util';

const cmb = (placement?: NodePlacement) => KeyProvider.cryptoMb({ placement })._behaviour;

test('the patch value names the cryptomb provider; no pod resources, default rollouts', () => {
  expect(cmb().patchValue()).toMatchObject({ provider_name: 'cryptomb', typed_config: { '@type': CRYPTOMB_CONFIG_TYPE.typeUrl, 'poll_delay': '0.001s' } });
  expect(cmb().podResources()).toEqual({});
  expect(cmb().rolloutStrategy()).toBeUndefined();
});

test('RSA 1024-4096 with e=65537 and ECDSA P-256 fit; other keys are ATLS-KEY003', () => {
  for (const alg of [KeyAlgorithm.RSA_2048, KeyAlgorithm.RSA_4096, KeyAlgorithm.rsa(1024), KeyAlgorithm.ECDSA_P256]) {
    expect(cmb().keyFit(alg)).toBeUndefined();
  }
  for (const alg of [KeyAlgorithm.ECDSA_P384, KeyAlgorithm.rsa(2048, 3), KeyAlgorithm.rsa(8192), KeyAlgorithm.ED25519]) {
    expect(cmb().keyFit(alg)?.ruleId).toBe('ATLS-KEY003');
  }
});

test('placement: the app\'s NodeFeatureRule label when there is one, else the raw cpuid labels', () => {
  const { app, chart } = newChart();
  const reg = AppRegistry.of(chart);
  expect(cmb(NodePlacement.ANY).affinity(reg)).toBeUndefined();
  const raw = cmb(NodePlacement.PREFERRED).affinity(reg)!;
  expect(raw.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0].preference.matchExpressions?.map((e) => e.key))
    .toContain('feature.node.kubernetes.io/cpu-cpuid.AVX512IFMA');
  expect(cmb().appFindings(reg).map((f) => f.ruleId)).toEqual(['ATLS-AFF001']);
  const affinity = new CryptoMbAffinity(new Chart(app, 'nodes'), 'avx512');
  const required = cmb().affinity(reg)!;
  expect(required.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchExpressions)
    .toEqual([{ key: affinity.label, operator: 'In', values: ['true'] }]);
  expect(cmb().appFindings(reg)).toEqual([]);
});

test('an unknown placement is refused at once', () => {
  const { chart } = newChart();
  expect(() => cmb('SOMETIMES' as NodePlacement).validate(chart, 'provider')).toThrow(/test: \[ATLS-ENUM001\] provider.placement: 'SOMETIMES' is not one of REQUIRED, PREFERRED, ANY/);
});

test('its benchmark evidence is the listener-scoped batch counters of both queues, RSA and ECDSA', () => {
  expect(cmb().benchmarkEvidence).toEqual({
    statSuffixes: ['_cryptomb_rsa_queue_sizes_count', '_cryptomb_ecdsa_queue_sizes_count'],
    queuedKeyTypes: ['RSA', 'ECDSA'],
  });
});
