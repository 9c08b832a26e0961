// The QAT provider: its patch value, pod resources, rollout strategy, key fit and app findings.
import { Duration } from 'cdk8s';
import { KeyAlgorithm, KeyProvider, QatDevicePlugin, QatServices } from '../../src';
import { AppRegistry } from '../../src/core/app-registry';
import { QAT_CONFIG_TYPE } from '../../src/key-providers/config-types';
import { newChart } from '../util';

const qat = (o = {}) => KeyProvider.qat(o)._behaviour;

test('the patch value names the qat provider and its typed config, with a placeholder key', () => {
  expect(qat({ pollDelay: Duration.millis(2), fallback: false }).patchValue()).toEqual({
    provider_name: 'qat',
    typed_config: { '@type': QAT_CONFIG_TYPE.typeUrl, 'private_key': { inline_string: 'placeholder' }, 'poll_delay': '0.002s' },
    fallback: false,
  });
  expect(QAT_CONFIG_TYPE.typeUrl).toMatch(/private_key_providers\.qat\.v3alpha\.QatPrivateKeyMethodConfig$/);
});

test('each Envoy pod requests its QAT resources, and rollouts replace one pod at a time', () => {
  expect(qat({ resourceName: 'qat.intel.com/asym', resourcesPerReplica: 2 }).podResources()).toEqual({ 'qat.intel.com/asym': '2' });
  const strategy = qat().rolloutStrategy()!;
  expect(strategy.type).toBe('RollingUpdate');
  expect([strategy.rollingUpdate?.maxSurge?.value, strategy.rollingUpdate?.maxUnavailable?.value]).toEqual([0, 1]);
});

test('RSA keys fit; anything else is ATLS-KEY002', () => {
  expect(qat().keyFit(KeyAlgorithm.RSA_4096)).toBeUndefined();
  expect(qat().keyFit(KeyAlgorithm.ECDSA_P256)).toEqual({ ruleId: 'ATLS-KEY002', detail: expect.stringMatching(/RSA keys only; ECDSA P-256/) });
});

test('the resource must be one the app\'s QAT device plugin advertises (ATLS-QAT001)', () => {
  const { chart } = newChart();
  const reg = AppRegistry.of(chart);
  // No plugin in the app: nothing to compare with, but the pods would stay Pending (ATLS-QAT003).
  expect(qat().appFindings(reg)).toEqual([{ ruleId: 'ATLS-QAT003', prop: 'resourceName', detail: expect.stringMatching(/no QAT device plugin \(nothing advertises qat.intel.com\/cy\)/) }]);
  new QatDevicePlugin(chart, 'plugin', { services: QatServices.ASYM });
  expect(qat().appFindings(reg)).toEqual([{ ruleId: 'ATLS-QAT001', prop: 'resourceName', detail: expect.stringMatching(/advertises qat.intel.com\/asym, not qat.intel.com\/cy/) }]);
  expect(qat({ resourceName: 'qat.intel.com/asym' }).appFindings(reg)).toEqual([]);
});

test('bad props are refused at once, naming the prop', () => {
  const { chart } = newChart();
  expect(() => qat({ pollDelay: Duration.millis(0.5) }).validate(chart, 'provider')).toThrow(/test: \[ATLS-KEY006\] provider.pollDelay/);
  expect(() => qat({ resourcesPerReplica: 1.5 }).validate(chart, 'provider')).toThrow(/test: \[ATLS-GW006\] provider.resourcesPerReplica/);
  expect(() => qat({ resourceName: 'cy' }).validate(chart, 'provider')).toThrow(/test: \[ATLS-NAME001\] provider.resourceName/);
  expect(() => qat().validate(chart, 'provider')).not.toThrow();
});

test('QAT publishes no stats: its benchmark evidence is its start and fallback log lines in the Envoy container', () => {
  const evidence = qat().benchmarkEvidence as { container: string; started: string; fallbacks: Array<[string, string]> };
  expect(evidence.container).toBe('envoy');
  expect(evidence.started).toBe('initialized QAT private key provider');
  expect(evidence.fallbacks.map(([line]) => line)).toEqual(['Failed to start QAT device.', 'Only RSA keys are supported.', 'Failed to start QAT.']);
});
