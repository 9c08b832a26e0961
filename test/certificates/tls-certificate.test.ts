// TlsCertificate: its three sources, the objects each makes in the gateway's namespace, and the
// checks at once (bad input) and at synth (the certificate itself).
import { CertManagerKeyAlgorithm, KeyProvider, TlsCertificate } from '../../src';
import { find, makeCert, makeExpiredCert, synthApp } from '../util';
import { gateway, LISTENER } from '../util/gateway';

describe('sources', () => {
  test('fromPem creates a kubernetes.io/tls Secret with base64 data', () => {
    const pem = makeCert(['rsa:2048']);
    const { app } = gateway({ listeners: [{ ...LISTENER, certificate: TlsCertificate.fromPem({ ...pem, secretName: 'www-tls' }) }] });
    const s = find(synthApp(app), 'Secret', 'www-tls');
    expect(s.type).toBe('kubernetes.io/tls');
    expect(s.metadata.namespace).toBe('default');
    expect(Buffer.from(s.data['tls.crt'], 'base64').toString()).toBe(pem.certificatePem);
    expect(Buffer.from(s.data['tls.key'], 'base64').toString()).toBe(pem.privateKeyPem);
  });

  test('fromPem reports the key algorithm it read', () => {
    expect(TlsCertificate.fromPem(makeCert(['rsa:3072'])).keyAlgorithm?.describe()).toBe('RSA 3072');
    expect(TlsCertificate.fromPem(makeCert(['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'])).keyAlgorithm?.describe()).toBe('ECDSA P-256');
  });

  test('bad PEM is reported by the gateway that uses it, naming its path and the listener, never echoing the key', () => {
    const pem = makeCert(['rsa:2048']);
    const badCert = TlsCertificate.fromPem({ certificatePem: 'nope', privateKeyPem: pem.privateKeyPem });
    expect(() => gateway({ listeners: [{ ...LISTENER, certificate: badCert }] }))
      .toThrow(/^test\/gw: \[ATLS-CERT003\] listeners\[0\].certificate.certificatePem: not a PEM certificate .*\(Python: listeners\[0\].certificate.certificate_pem\)$/);
    let message = '';
    try {
      const certificate = TlsCertificate.fromPem({ certificatePem: pem.certificatePem, privateKeyPem: pem.privateKeyPem.slice(0, 200) });
      gateway({ listeners: [{ ...LISTENER, certificate }] });
    } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/^test\/gw: \[ATLS-CERT003\] listeners\[0\].certificate.privateKeyPem: not a PEM private key/);
    expect(message).not.toContain(pem.privateKeyPem.slice(40, 100));
    expect(message).not.toContain('TlsCertificate:');
  });

  test('certificate/key mismatch and expiry are synth errors', () => {
    const a = makeCert(['rsa:2048']);
    const b = makeCert(['rsa:2048'], { cn: 'other.example.com' });
    const crossed = TlsCertificate.fromPem({ certificatePem: a.certificatePem, privateKeyPem: b.privateKeyPem });
    const mismatch = gateway({ listeners: [{ ...LISTENER, certificate: crossed }] });
    expect(() => synthApp(mismatch.app)).toThrow(/test\/gw: \[ATLS-CERT001\] listeners\[0\].certificate/);
    const expired = gateway({ listeners: [{ ...LISTENER, certificate: TlsCertificate.fromPem(makeExpiredCert()) }] });
    expect(() => synthApp(expired.app)).toThrow(/test\/gw: \[ATLS-CERT002\] listeners\[0\].certificate/);
  });

  test('certManager creates a Certificate with an accelerable key', () => {
    const cert = TlsCertificate.certManager({ secretName: 'www-tls', dnsNames: ['www.example.com'], issuerName: 'letsencrypt', issuerKind: 'ClusterIssuer' });
    const { app } = gateway({ listeners: [{ ...LISTENER, certificate: cert }] });
    const c = find(synthApp(app), 'Certificate', 'www-tls');
    expect(c.apiVersion).toBe('cert-manager.io/v1');
    expect(c.spec).toEqual({
      secretName: 'www-tls',
      dnsNames: ['www.example.com'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' },
    });
  });
});

describe('cert-manager', () => {
  test('ECDSA declares P-256', () => {
    expect(TlsCertificate.certManager({ secretName: 's', dnsNames: ['a.example.com'], issuerName: 'i', algorithm: CertManagerKeyAlgorithm.ECDSA }).keyAlgorithm?.describe())
      .toBe('ECDSA P-256');
  });

  test('bad cert-manager options (ATLS-CERT004) are reported by the gateway that uses them; Ed25519 carries no size', () => {
    const base = { secretName: 's', dnsNames: ['www.example.com'], issuerName: 'issuer' };
    const use = (options: Parameters<typeof TlsCertificate.certManager>[0]) =>
      () => gateway({ listeners: [{ ...LISTENER, certificate: TlsCertificate.certManager(options) }] });
    expect(use({ ...base, size: 1000 })).toThrow(/^test\/gw: \[ATLS-CERT004\] listeners\[0\].certificate.size: 1000 is not an RSA size within 2048–8192$/);
    expect(use({ ...base, size: '4096' as any })).toThrow(/certificate.size: '4096' \(a string\) is not an RSA size/);
    expect(use({ ...base, algorithm: CertManagerKeyAlgorithm.ECDSA, size: 2048 })).toThrow(/size: 2048 is not an ECDSA size/);
    expect(use({ ...base, dnsNames: [] })).toThrow(/certificate.dnsNames: .*\(Python: listeners\[0\].certificate.dns_names\)/);
    expect(use({ ...base, issuerName: '' })).toThrow(/certificate.issuerName: '' is not an issuer name/);
    expect(use({ ...base, issuerKind: 'Foo' })).toThrow(/issuerKind: 'Foo'/);
    expect(use({ ...base, algorithm: 'DSA' as CertManagerKeyAlgorithm }))
      .toThrow("test/gw: [ATLS-ENUM001] listeners[0].certificate.algorithm: 'DSA' is not one of RSA, ECDSA, Ed25519");
    // The factory itself accepts the call: the error waits for a construct to name.
    expect(() => TlsCertificate.certManager({ ...base, size: 1000 })).not.toThrow();
    const ed = TlsCertificate.certManager({ ...base, algorithm: CertManagerKeyAlgorithm.ED25519, size: 2048 });
    const { app } = gateway({ provider: KeyProvider.software(), listeners: [{ ...LISTENER, certificate: ed }] });
    expect(find(synthApp(app), 'Certificate').spec.privateKey).toEqual({ algorithm: 'Ed25519', rotationPolicy: 'Always' });
  });

  test('fromPem without options is an Error naming them, not a TypeError', () => {
    const certificate = TlsCertificate.fromPem(undefined as any);
    expect(() => gateway({ listeners: [{ ...LISTENER, certificate }] }))
      .toThrow('test/gw: [ATLS-CERT003] listeners[0].certificate.certificatePem: a PEM certificate is required here, and its key in '
        + 'privateKeyPem (Python: private_key_pem) (Python: listeners[0].certificate.certificate_pem)');
  });
});

test('an existing Secret makes no object of its own', () => {
  const objects = synthApp(gateway({ listeners: [LISTENER] }).app);
  expect(objects.filter((o) => o.kind === 'Secret' || o.kind === 'Certificate')).toEqual([]);
});
