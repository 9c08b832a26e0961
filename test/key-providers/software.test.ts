// The software baseline: no patch, no resources, any key; placed like CryptoMB when asked.
import { KeyAlgorithm, KeyProvider, NodePlacement } from '../../src';
import { AppRegistry } from '../../src/app-registry';
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
