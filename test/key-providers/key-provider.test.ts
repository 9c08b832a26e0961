// KeyProvider: the public factories and properties, each backed by its kind's behaviour.
import { Duration } from 'cdk8s';
import { KeyProvider, KeyProviderKind, NodePlacement } from '../../src';

test('the factories set the kind and their defaults', () => {
  const qat = KeyProvider.qat();
  expect([qat.kind, qat.resourceName, qat.resourcesPerReplica, qat.placement, qat.fallback, qat.accelerated])
    .toEqual([KeyProviderKind.QAT, 'qat.intel.com/cy', 1, undefined, true, true]);
  expect(qat.pollDelay?.toMilliseconds()).toBe(1);
  const cmb = KeyProvider.cryptoMb();
  expect([cmb.kind, cmb.placement, cmb.resourceName, cmb.accelerated]).toEqual([KeyProviderKind.CRYPTOMB, NodePlacement.REQUIRED, undefined, true]);
  const sw = KeyProvider.software();
  expect([sw.kind, sw.pollDelay, sw.placement, sw.accelerated]).toEqual([KeyProviderKind.SOFTWARE, undefined, undefined, false]);
});

test('options pass through to the properties', () => {
  const qat = KeyProvider.qat({ pollDelay: Duration.millis(5), fallback: false, resourceName: 'qat.intel.com/asym', resourcesPerReplica: 2 });
  expect([qat.pollDelay?.toMilliseconds(), qat.fallback, qat.resourceName, qat.resourcesPerReplica]).toEqual([5, false, 'qat.intel.com/asym', 2]);
  expect(KeyProvider.cryptoMb({ placement: NodePlacement.PREFERRED }).placement).toBe(NodePlacement.PREFERRED);
});

test('a software baseline keeps a CryptoMB placement, and ANY means none', () => {
  expect(KeyProvider.software({ placement: NodePlacement.REQUIRED }).placement).toBe(NodePlacement.REQUIRED);
  expect(KeyProvider.software({ placement: NodePlacement.ANY }).placement).toBeUndefined();
});

test('each kind carries its own behaviour', () => {
  for (const p of [KeyProvider.qat(), KeyProvider.cryptoMb(), KeyProvider.software()]) {
    expect(p._behaviour.kind).toBe(p.kind);
    expect(p._behaviour.patchValue() !== undefined).toBe(p.accelerated);
  }
});
