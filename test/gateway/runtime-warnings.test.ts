// Input that synthesizes but breaks or misleads at run time: each gets a warning (or an error where
// nothing could work) with the reason and the fix.
import { Duration, Size } from 'cdk8s';
import { AcceleratedTlsGatewayProps, acknowledge, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate } from '../../src';
import { makeCert, synthApp } from '../util';
import { gateway, LISTENER } from '../util/gateway';

/** The warnings a gateway `default/eg` with `props` prints at synth (`ack`: acknowledged first). */
function warnings(props: Partial<AcceleratedTlsGatewayProps>, ack?: string): string[] {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const { app, gw } = gateway(props);
    if (ack) acknowledge(gw, ack, 'deliberate in this test');
    synthApp(app);
    return warn.mock.calls.map((c) => String(c[0]));
  } finally {
    warn.mockRestore();
  }
}

const cryptoMb = (options = {}) => KeyProvider.cryptoMb({ placement: NodePlacement.ANY, ...options });
const pem = (san?: string) => TlsCertificate.fromPem(makeCert(['rsa:2048'], san ? { extra: ['-addext', `subjectAltName=${san}`] } : {}));

describe('pollDelay (ATLS-KEY008)', () => {
  test('an hour is a warning with the reason and the fix', () => {
    expect(warnings({ provider: KeyProvider.qat({ pollDelay: Duration.hours(1) }) })).toEqual([expect.stringMatching(
      /^test\/gw: warning \[ATLS-KEY008\] provider.pollDelay: 3600000 ms: a batch .* not full waits this long .*every handshake waits up to 3600000 ms .*use at most 200 ms, Envoy's own default .*\(Python: provider.poll_delay\)$/)]);
    expect(warnings({ provider: cryptoMb({ pollDelay: Duration.seconds(1) }) })).toEqual([expect.stringMatching(/\[ATLS-KEY008\] provider.pollDelay: 1000 ms/)]);
  });

  test('up to 200 ms, Envoy\'s own default, is quiet; the warning is acknowledgeable', () => {
    expect(warnings({ provider: KeyProvider.qat({ pollDelay: Duration.millis(200) }) })).toEqual([]);
    expect(warnings({ provider: cryptoMb({ pollDelay: Duration.millis(201) }) })).toHaveLength(1);
    expect(warnings({ provider: cryptoMb({ pollDelay: Duration.hours(1) }) }, 'ATLS-KEY008')).toEqual([]);
  });
});

describe('Envoy memory (ATLS-GW007 error, ATLS-GW008 warning)', () => {
  test('1Mi is an error: Envoy cannot start in it', () => {
    expect(() => gateway({ envoy: { memory: Size.mebibytes(1) } })).toThrow(
      /^test\/gw: \[ATLS-GW007\] envoy.memory: 1Mi is below the 64Mi Envoy needs to start .*OOM-killed .*at least 512Mi/);
    expect(() => gateway({ envoy: { memory: Size.mebibytes(63) } })).toThrow(/ATLS-GW007/);
  });

  test('64Mi to 511Mi is a warning, 512Mi quiet; acknowledgeable', () => {
    expect(warnings({ envoy: { memory: Size.mebibytes(64) } })).toEqual([expect.stringMatching(
      /^test\/gw: warning \[ATLS-GW008\] envoy.memory: 64Mi is below 512Mi, Envoy Gateway's default request: .*OOM-killed; give it at least Size.mebibytes\(512\)$/)]);
    expect(warnings({ envoy: { memory: Size.mebibytes(511) } })).toHaveLength(1);
    expect(warnings({ envoy: { memory: Size.mebibytes(512) } })).toEqual([]);
    expect(warnings({ envoy: { memory: Size.mebibytes(128) } }, 'ATLS-GW008')).toEqual([]);
  });
});

describe('a fromPem certificate must cover the listener hostname (ATLS-CERT005)', () => {
  const sw = KeyProvider.software();

  test('SANs that miss the hostname are a warning naming them, the hostname and the fix', () => {
    expect(warnings({ provider: sw, listeners: [{ ...LISTENER, certificate: pem('DNS:other.example.com') }] })).toEqual([expect.stringMatching(
      /^test\/gw: warning \[ATLS-CERT005\] listeners\[0\].certificate: the certificate's SANs \(DNS:other.example.com\) do not cover the listener's hostname 'www.example.com': every client that verifies hostnames rejects it; issue a certificate with a SAN DNS:www.example.com \(or DNS:\*.example.com\)/)]);
  });

  test('exact and wildcard SANs cover a name; a wildcard listener needs the wildcard SAN', () => {
    expect(warnings({ provider: sw, listeners: [{ ...LISTENER, certificate: pem('DNS:www.example.com') }] })).toEqual([]);
    expect(warnings({ provider: sw, listeners: [{ ...LISTENER, certificate: pem('DNS:*.example.com') }] })).toEqual([]);
    expect(warnings({ provider: sw, listeners: [{ ...LISTENER, hostname: '*.example.com', certificate: pem('DNS:*.example.com') }] })).toEqual([]);
    expect(warnings({ provider: sw, listeners: [{ ...LISTENER, hostname: '*.example.com', certificate: pem('DNS:www.example.com') }] }))
      .toEqual([expect.stringMatching(/\[ATLS-CERT005\] .*hostname '\*.example.com'.*a SAN DNS:\*.example.com,/)]);
    // A wildcard covers one label only.
    expect(warnings({ provider: sw, listeners: [{ ...LISTENER, hostname: 'a.b.example.com', certificate: pem('DNS:*.example.com') }] })).toHaveLength(1);
  });

  test('a listener without hostname takes any SNI: nothing to compare; acknowledgeable', () => {
    const { hostname: _unused, ...anyHost } = LISTENER;
    expect(warnings({ provider: sw, listeners: [{ ...anyHost, certificate: pem('DNS:other.example.com') }] })).toEqual([]);
    expect(warnings({ provider: sw, listeners: [{ ...LISTENER, certificate: pem('DNS:other.example.com') }] }, 'ATLS-CERT005')).toEqual([]);
  });
});

describe('CryptoMB with RSA-3072 (ATLS-KEY007)', () => {
  const rsa = (bits: number) => ({ ...LISTENER, certificate: TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.rsa(bits) }) });

  test('is a warning with the measured ratios and the fix', () => {
    expect(warnings({ provider: cryptoMb(), listeners: [rsa(3072)] })).toEqual([expect.stringMatching(
      /^test\/gw: warning \[ATLS-KEY007\] listeners\[0\].certificate: crypto_mb has fused .*none for 3072: .*0.88x OpenSSL's rate per core \(RSA-2048 2.25x, RSA-4096 2.55x, ECDSA P-256 3.69x\).*use an RSA 2048 or 4096 or an ECDSA P-256 key/)]);
  });

  test('RSA 2048 and 4096, ECDSA P-256 and other providers are quiet; acknowledgeable', () => {
    expect(warnings({ provider: cryptoMb(), listeners: [rsa(2048)] })).toEqual([]);
    expect(warnings({ provider: cryptoMb(), listeners: [rsa(4096)] })).toEqual([]);
    expect(warnings({ provider: KeyProvider.qat(), listeners: [rsa(3072)] })).toEqual([]);
    expect(warnings({ provider: cryptoMb(), listeners: [rsa(3072)] }, 'ATLS-KEY007')).toEqual([]);
  });
});
