// The software baseline: no patch, no resources, any key; placed like CryptoMB or like QAT when asked.
import { KeyAlgorithm, KeyProvider, NodePlacement, QatDevicePlugin } from '../../src';
import { AppRegistry } from '../../src/core/app-registry';
import { newChart } from '../util';

test('nothing to patch, request or prove; every key fits', () => {
  const sw = KeyProvider.software()._behaviour;
  expect([sw.patchValue(), sw.configType, sw.benchmarkEvidence, sw.rolloutStrategy()]).toEqual([undefined, undefined, undefined, undefined]);
  expect(sw.podResources()).toEqual({});
  expect(sw.keyFit(KeyAlgorithm.ED25519)).toBeUndefined();
});

test('a baseline placed like a REQUIRED CryptoMB gateway gets its affinity and its need for labels', () => {
  const { chart } = newChart();
  const reg = AppRegistry.of(chart);
  expect(KeyProvider.software()._behaviour.affinity(reg)).toBeUndefined();
  const placed = KeyProvider.software({ placement: NodePlacement.REQUIRED })._behaviour;
  expect(placed.affinity(reg)).toEqual(KeyProvider.cryptoMb()._behaviour.affinity(reg));
  expect(placed.appFindings(reg).map((f) => f.ruleId)).toEqual(['ATLS-AFF001']);
});

test('a baseline on QAT nodes selects the app\'s QAT device plugin nodes, else Intel\'s QAT readiness label', () => {
  const { chart } = newChart();
  const reg = AppRegistry.of(chart);
  const onQat = KeyProvider.software({ onQatNodes: true })._behaviour;
  expect(KeyProvider.software()._behaviour.nodeSelector(reg)).toBeUndefined();
  expect(onQat.nodeSelector(reg)).toEqual({ [QatDevicePlugin.READY_LABEL]: 'true', 'kubernetes.io/arch': 'amd64' });
  new QatDevicePlugin(chart, 'plugin', { nodeSelector: { pool: 'qat' } });
  expect(onQat.nodeSelector(reg)).toEqual({ pool: 'qat' });
  expect(() => KeyProvider.software({ onQatNodes: true, placement: NodePlacement.PREFERRED })._behaviour.validate(chart, 'provider'))
    .toThrow('test: [ATLS-KEY005] provider.onQatNodes: a baseline is placed like QAT or like CryptoMB, not both: drop placement');
});
