// KeyAlgorithm: what a certificate's key is, as declared or read from PEM.
import { KeyAlgorithm, KeyType } from '../../src';

test('the constants and factories describe themselves', () => {
  expect([KeyAlgorithm.RSA_2048, KeyAlgorithm.RSA_3072, KeyAlgorithm.RSA_4096, KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ECDSA_P384, KeyAlgorithm.ED25519]
    .map((a) => a.describe())).toEqual(['RSA 2048', 'RSA 3072', 'RSA 4096', 'ECDSA P-256', 'ECDSA P-384', 'Ed25519']);
  expect(KeyAlgorithm.rsa(2048, 3).describe()).toBe('RSA 2048 (e=3)');
});

test('each carries its type and only its own parameters', () => {
  const rsa = KeyAlgorithm.rsa(4096);
  expect([rsa.type, rsa.bits, rsa.publicExponent, rsa.curve]).toEqual([KeyType.RSA, 4096, 65537, undefined]);
  const ec = KeyAlgorithm.ecdsa('P-521');
  expect([ec.type, ec.bits, ec.publicExponent, ec.curve]).toEqual([KeyType.ECDSA, undefined, undefined, 'P-521']);
  expect(KeyAlgorithm.ED25519.type).toBe(KeyType.ED25519);
});
