// Property-based tests over AcceleratedTlsGateway's public props: any input either synthesizes
// objects that pass their schemas, or throws an Error whose message carries a rule id, the
// construct path and the prop — never a TypeError, never `undefined` in the output, never key material.
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, EnvoyServiceType, KeyAlgorithm, KeyProvider, ListenerProtocol,
  NodeFeatureDiscovery, NodePlacement, TlsCertificate,
} from '../../src';
import { makeCert, synthApp, testUpstream } from '../util';
import { validateCoreObjects } from '../util/core-models';
import { upstreamCrds, validatorOf } from '../util/crd-schema';

// Built on first use: the upstream CRDs may be missing (the test is then skipped).
const VALIDATORS: Record<string, (o: any) => string[]> = {};
const validators = () => {
  if (Object.keys(VALIDATORS).length > 0) return VALIDATORS;
  for (const [file, names] of Object.entries({
    'gateway-api-v1.6.1-experimental.yaml': ['gatewayclasses', 'gateways', 'tcproutes', 'httproutes', 'referencegrants'],
    'envoy-gateway-v1.9.0-envoyproxies.yaml': ['envoyproxies'],
    'envoy-gateway-v1.9.0-envoypatchpolicies.yaml': ['envoypatchpolicies'],
    'nfd-v0.19.0-api-crds.yaml': ['nodefeaturerules'],
    'cert-manager-v1.21.1-certificates.yaml': ['certificates'],
  })) {
    for (const crd of Object.values(upstreamCrds(file))) {
      if (!names.includes(crd.metadata.name.split('.')[0])) continue;
      for (const v of crd.spec.versions) VALIDATORS[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = validatorOf(v.schema.openAPIV3Schema);
    }
  }
  return VALIDATORS;
};

const PEM = makeCert(['rsa:2048']);
// Mostly valid values, with enough invalid ones that both outcomes are exercised.
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const label = mostly(fc.constantFrom('default', 'edge', 'a', 'tenant-1'), fc.string({ maxLength: 70 }));
const hostname = mostly(fc.constantFrom('www.example.com', '*.example.com', 'api.example.com'), fc.string({ maxLength: 30 }));
const port = mostly(fc.constantFrom(443, 8443, 3000), fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.double({ min: 0, max: 70000, noNaN: true })));
const algorithm = mostly(fc.constantFrom(undefined, KeyAlgorithm.RSA_2048, KeyAlgorithm.RSA_4096),
  fc.constantFrom(KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ECDSA_P384, KeyAlgorithm.ED25519, KeyAlgorithm.rsa(2048, 3)));
const certificate = fc.oneof(
  fc.record({ n: label, ns: fc.option(label, { nil: undefined, freq: 3 }), alg: algorithm })
    .map(({ n, ns, alg }) => TlsCertificate.fromSecretName(n, { namespace: ns, keyAlgorithm: alg })),
  fc.constant(TlsCertificate.fromPem(PEM)),
  fc.record({ s: label, d: fc.array(fc.constantFrom('www.example.com', '*.example.com'), { minLength: 1, maxLength: 2 }) })
    .map(({ s, d }) => TlsCertificate.certManager({ secretName: s, dnsNames: d, issuerName: 'issuer' })),
);
const listener = fc.record({
  name: fc.option(label, { nil: undefined }),
  port: fc.option(port, { nil: undefined }),
  protocol: fc.option(fc.constantFrom(ListenerProtocol.TLS, ListenerProtocol.HTTPS), { nil: undefined }),
  hostname: fc.option(hostname, { nil: undefined }),
  certificate,
  backend: fc.record({ serviceName: label, port, namespace: fc.option(label, { nil: undefined, freq: 3 }) }),
}, { requiredKeys: ['certificate', 'backend'] });
const pollMs = mostly(fc.constantFrom(1, 5, 200), fc.double({ min: 0, max: 2, noNaN: true }));
const provider = fc.oneof(
  fc.record({ ms: pollMs, fb: fc.boolean(), n: mostly(fc.constantFrom(1, 2), fc.integer({ min: -1, max: 4 })) })
    .map(({ ms, fb, n }) => KeyProvider.qat({ pollDelay: Duration.millis(ms), fallback: fb, resourcesPerReplica: n })),
  fc.record({ ms: pollMs, p: fc.constantFrom(NodePlacement.REQUIRED, NodePlacement.PREFERRED, NodePlacement.ANY) })
    .map(({ ms, p }) => KeyProvider.cryptoMb({ pollDelay: Duration.millis(ms), placement: p })),
  fc.constant(KeyProvider.software()),
);
const envoy = fc.record({
  image: mostly(fc.constantFrom('docker.io/envoyproxy/envoy:contrib-v1.39.0', 'registry.example.com/envoy-contrib:v1'), fc.constant('docker.io/envoyproxy/envoy:distroless-v1.39.0')),
  allowNonContribImage: fc.boolean(),
  concurrency: mostly(fc.integer({ min: 1, max: 8 }), fc.integer({ min: -1, max: 0 })),
  replicas: mostly(fc.integer({ min: 1, max: 4 }), fc.integer({ min: -1, max: 0 })),
  cpu: mostly(fc.integer({ min: 100, max: 8000 }), fc.constant(0)).map((m) => Cpu.millis(m)),
  memory: fc.integer({ min: 1, max: 8192 }).map((m) => Size.mebibytes(m)),
  serviceType: fc.constantFrom(EnvoyServiceType.NODE_PORT, EnvoyServiceType.LOAD_BALANCER, EnvoyServiceType.CLUSTER_IP),
  serviceName: label,
  serviceAnnotations: fc.dictionary(fc.constantFrom('a.example.com/x', 'b'), fc.string({ maxLength: 5 })),
  imagePullSecrets: fc.array(fc.constantFrom('regcred', 'other'), { maxLength: 2 }),
  namespace: label,
}, { requiredKeys: [] });
const props = fc.record({
  namespace: fc.option(label, { nil: undefined }),
  name: fc.option(label, { nil: undefined }),
  provider,
  listeners: mostly(fc.array(listener, { minLength: 1, maxLength: 1 }), fc.array(listener, { maxLength: 3 })),
  mergeGateways: fc.option(fc.boolean(), { nil: undefined }),
  envoy: fc.option(envoy, { nil: undefined }),
}, { requiredKeys: ['provider', 'listeners'] });
const nfd = fc.constantFrom('none', 'affinity', 'existing');

const PROP_NAMES = /\] (provider|listeners|namespace|name|gatewayClassName|createGatewayClass|mergeGateways|envoy)[.\[:\s\]]/;

testUpstream('any props synthesize schema-valid objects or fail with a rule id, the path and the prop', () => {
  let synthesized = 0;
  let rejected = 0;
  fc.assert(fc.property(props, nfd, (p, mode) => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    if (mode === 'affinity') new CryptoMbAffinity(chart, 'cmb');
    if (mode === 'existing') NodeFeatureDiscovery.useExisting(chart);
    let objects: any[];
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new AcceleratedTlsGateway(chart, 'gw', p as any);
      objects = synthApp(app);
    } catch (e) {
      rejected++;
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).constructor).toBe(Error);
      const message = (e as Error).message;
      expect(message).toMatch(/^\s*c\/gw: \[ATLS-[A-Z]+\d{3}\] /m);
      expect(message).toMatch(PROP_NAMES);
      expect(message).not.toContain('PRIVATE KEY');
      expect(message).not.toContain(PEM.privateKeyPem.split('\n')[1]);
      return;
    } finally {
      warn.mockRestore();
    }
    synthesized++;
    expect(YAML.stringify(objects)).not.toMatch(/\bundefined\b|\bNaN\b|: null\b/);
    validateCoreObjects(objects);
    for (const o of objects) {
      const validate = validators()[`${o.apiVersion}/${o.kind}`];
      if (!validate) continue;
      expect([o.kind, validate(o)]).toEqual([o.kind, []]);
    }
  }), { numRuns: 1000 });
  // Both outcomes are exercised, so the property says something about each.
  expect(synthesized).toBeGreaterThan(50);
  expect(rejected).toBeGreaterThan(50);
});
