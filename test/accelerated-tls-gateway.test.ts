import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AcceleratedTlsGateway, AcceleratedTlsGatewayProps, acknowledge, EnvoyServiceType, KeyAlgorithm,
  KeyProvider, ListenerProtocol, NodePlacement, TlsCertificate, Versions,
} from '../src';
import { find, makeCert, newChart, synthApp } from './util';
import { protoDuration } from '../src/names';

const CERT = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
const LISTENER = { hostname: 'www.example.com', certificate: CERT, backend: { serviceName: 'backend', port: 3000 } };

function gateway(props: Partial<AcceleratedTlsGatewayProps> = {}, id = 'gw') {
  const { app, chart } = newChart();
  const gw = new AcceleratedTlsGateway(chart, id, {
    namespace: 'default', name: 'eg', provider: KeyProvider.qat(), listeners: [LISTENER], ...props,
  });
  return { app, chart, gw };
}

describe('QAT gateway (the private key provider task\'s scenario)', () => {
  const { app, gw } = gateway();
  const objects = synthApp(app);

  test('emits exactly the expected objects', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'EnvoyProxy/envoy-gateway-system/default-eg',
      'GatewayClass//default-eg',
      'Gateway/default/eg',
      'TCPRoute/default/eg-tls-443',
      'EnvoyPatchPolicy/default/eg-key-provider',
      'ValidatingAdmissionPolicy//atls-envoy-patch-policy-guard',
      'ValidatingAdmissionPolicyBinding//atls-envoy-patch-policy-guard',
    ]);
  });

  test('GatewayClass references the EnvoyProxy with group, kind and namespace', () => {
    const gc = find(objects, 'GatewayClass');
    expect(gc.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gc.spec).toEqual({
      controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
      parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'default-eg', namespace: 'envoy-gateway-system' },
    });
  });

  test('EnvoyProxy pins the contrib image, requests QAT, pins amd64, sizes concurrency, logs the QAT start', () => {
    const ep = find(objects, 'EnvoyProxy');
    const resources = { 'cpu': '1000m', 'memory': '4096Mi', 'qat.intel.com/cy': '1' };
    expect(ep.spec).toEqual({
      concurrency: 1,
      // Envoy Gateway's defaults (warn, misc:error) with the connection logger, where QAT says it started, at info.
      logging: { level: { default: 'warn', connection: 'info', misc: 'error' } },
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          envoyDeployment: {
            container: { image: 'docker.io/envoyproxy/envoy:contrib-v1.39.1', resources: { requests: resources, limits: resources } },
            pod: { nodeSelector: { 'kubernetes.io/arch': 'amd64' } },
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
          },
          envoyService: { name: 'envoy-default-eg', type: 'NodePort' },
        },
      },
    });
    // EG's hardened non-root default stays: no container securityContext, no imageRepository.
    expect(ep.spec.provider.kubernetes.envoyDeployment.container.securityContext).toBeUndefined();
    expect(ep.spec.provider.kubernetes.envoyDeployment.container.imageRepository).toBeUndefined();
    expect(gw.envoyServiceName).toBe('envoy-default-eg');
  });

  test('Gateway has one TLS Terminate listener referencing the Secret', () => {
    expect(find(objects, 'Gateway').spec).toEqual({
      gatewayClassName: 'default-eg',
      listeners: [{
        name: 'tls-443',
        port: 443,
        protocol: 'TLS',
        hostname: 'www.example.com',
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'example-cert' }] },
        allowedRoutes: { namespaces: { from: 'Same' } },
      }],
    });
  });

  test('TCPRoute v1 attaches to its listener by sectionName', () => {
    const r = find(objects, 'TCPRoute');
    expect(r.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(r.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg', sectionName: 'tls-443' }],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'backend', port: 3000, weight: 1 }] }],
    });
  });

  test('EnvoyPatchPolicy equals the private key provider task\'s policy after the copy op, minus targetRef.namespace', () => {
    const p = find(objects, 'EnvoyPatchPolicy');
    const secretType = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
    // The task's QAT policy, with the placeholder that the copy op overwrites left out of the comparison.
    const task = {
      targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg' },
      type: 'JSONPatch',
      jsonPatches: [
        {
          type: secretType,
          name: 'default/example-cert',
          operation: {
            op: 'add',
            path: '/tls_certificate/private_key_provider',
            value: {
              provider_name: 'qat',
              typed_config: { '@type': 'type.googleapis.com/envoy.extensions.private_key_providers.qat.v3alpha.QatPrivateKeyMethodConfig', 'poll_delay': '0.001s' },
              fallback: true,
            },
          },
        },
        { type: secretType, name: 'default/example-cert', operation: { op: 'copy', from: '/tls_certificate/private_key', path: '/tls_certificate/private_key_provider/typed_config/private_key' } },
      ],
    };
    const ours = JSON.parse(JSON.stringify(p.spec));
    expect(Object.keys(ours.jsonPatches[0].operation.value.typed_config.private_key)).toEqual(['inline_string']);
    delete ours.jsonPatches[0].operation.value.typed_config.private_key;
    expect(ours).toEqual(task);
    expect(p.metadata.namespace).toBe('default');
  });

  test('no EnvoyGatewayConfig comes along (opt-in: Helm enables EnvoyPatchPolicy)', () => {
    expect(objects.filter((o: any) => o.kind === 'ConfigMap')).toEqual([]);
  });
});

describe('providers', () => {
  test('CryptoMB: no QAT resource, poll delay and fallback are passed through', () => {
    const { app } = gateway({ provider: KeyProvider.cryptoMb({ pollDelay: Duration.millis(5), fallback: false, placement: NodePlacement.ANY }) });
    const objects = synthApp(app);
    const ep = find(objects, 'EnvoyProxy');
    expect(ep.spec.provider.kubernetes.envoyDeployment.container.resources.requests).toEqual({ cpu: '1000m', memory: '4096Mi' });
    expect(ep.spec.provider.kubernetes.envoyDeployment.pod).toEqual({ nodeSelector: { 'kubernetes.io/arch': 'amd64' } });
    const add = find(objects, 'EnvoyPatchPolicy').spec.jsonPatches[0].operation.value;
    expect(add.provider_name).toBe('cryptomb');
    expect(add.fallback).toBe(false);
    expect(add.typed_config['@type']).toBe('type.googleapis.com/envoy.extensions.private_key_providers.cryptomb.v3alpha.CryptoMbPrivateKeyMethodConfig');
    expect(add.typed_config.poll_delay).toBe('0.005s');
  });

  test('CryptoMB PREFERRED without NFD uses the private key provider task\'s labels, weighted', () => {
    const { app } = gateway({ provider: KeyProvider.cryptoMb({ placement: NodePlacement.PREFERRED }) });
    const affinity = find(synthApp(app), 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment.pod.affinity;
    const pref = affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(pref).toEqual([{
      weight: 100,
      preference: { matchExpressions: ['AVX512F', 'AVX512DQ', 'AVX512BW', 'AVX512IFMA', 'AVX512VBMI2'].map((f) => ({ key: `feature.node.kubernetes.io/cpu-cpuid.${f}`, operator: 'Exists' })) },
    }]);
  });

  test('CryptoMB REQUIRED (the default) without any NFD in the app is a synth error', () => {
    const { app } = gateway({ provider: KeyProvider.cryptoMb() });
    expect(() => synthApp(app)).toThrow(/test\/gw: \[ATLS-AFF001\] provider.placement/);
  });

  test('software baseline: same image, pinning and sizing; no policy, no EG config', () => {
    const { app, gw } = gateway({ provider: KeyProvider.software() });
    const objects = synthApp(app);
    expect(objects.map((o) => o.kind)).toEqual(['EnvoyProxy', 'GatewayClass', 'Gateway', 'TCPRoute']);
    const d = find(objects, 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment;
    expect(d.container.image).toBe(Versions.ENVOY_CONTRIB_IMAGE);
    expect(d.container.resources.limits).toEqual({ cpu: '1000m', memory: '4096Mi' });
    expect(d.pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(gw.patchPolicy).toBeUndefined();
  });

  test('QAT resource name and count are configurable', () => {
    const { app } = gateway({ provider: KeyProvider.qat({ resourceName: 'qat.intel.com/asym', resourcesPerReplica: 2 }) });
    expect(find(synthApp(app), 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment.container.resources.limits['qat.intel.com/asym']).toBe('2');
  });

  test.each([
    [Duration.millis(1), '0.001s'], [Duration.millis(10), '0.010s'], [Duration.seconds(2), '2s'],
    [Duration.millis(1500), '1.500s'], [Duration.millis(1.5), '0.001500s'],
  ])('poll delay %p is the proto Duration %s', (d, s) => {
    expect(protoDuration(d)).toBe(s);
  });
});

describe('envoy options', () => {
  test('sizing, service, tolerations, pull secrets, replicas and namespace', () => {
    const { app, gw } = gateway({
      envoy: {
        cpu: Cpu.millis(2500),
        memory: Size.gibibytes(2),
        replicas: 2,
        serviceType: EnvoyServiceType.LOAD_BALANCER,
        serviceName: 'edge-envoy',
        serviceAnnotations: { 'example.com/lb': 'internal', 'example.com/proxy-protocol': 'on' },
        tolerations: [{ key: 'qat', operator: 'Exists', effect: 'NoSchedule' }],
        imagePullSecrets: ['regcred'],
        namespace: 'eg-system',
      },
    });
    const objects = synthApp(app);
    const ep = find(objects, 'EnvoyProxy');
    expect(ep.metadata.namespace).toBe('eg-system');
    expect(ep.spec.concurrency).toBe(2);
    const k = ep.spec.provider.kubernetes;
    expect(k.envoyDeployment.replicas).toBe(2);
    expect(k.envoyDeployment.container.resources.requests).toEqual({ 'cpu': '2500m', 'memory': '2048Mi', 'qat.intel.com/cy': '1' });
    expect(k.envoyDeployment.pod.tolerations).toEqual([{ key: 'qat', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(k.envoyDeployment.pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    // 'on' must stay a string for Go's YAML 1.1 parsers (conformance feeds this scenario to them).
    expect(k.envoyService).toEqual({ name: 'edge-envoy', type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal', 'example.com/proxy-protocol': 'on' } });
    expect(find(objects, 'GatewayClass').spec.parametersRef.namespace).toBe('eg-system');
    expect(gw.envoyServiceName).toBe('edge-envoy');
  });

  test('a long service name is shortened to a DNS-1035 label with a hash', () => {
    const long = 'a'.repeat(60);
    const { gw } = gateway({ name: long });
    expect(gw.envoyServiceName.length).toBeLessThanOrEqual(63);
    expect(gw.envoyServiceName).toMatch(/^envoy-default-a+-[0-9a-f]{8}$/);
    expect(gateway({ name: long }).gw.envoyServiceName).toBe(gw.envoyServiceName);
    expect(gateway({ name: `${'a'.repeat(59)}b` }).gw.envoyServiceName).not.toBe(gw.envoyServiceName);
  });

  test('name defaults to the construct id', () => {
    const { chart } = newChart();
    const gw = new AcceleratedTlsGateway(chart, 'Edge_GW', { provider: KeyProvider.software(), listeners: [LISTENER] });
    expect(gw.name).toBe('edge-gw');
    expect(gw.namespace).toBe('default');
    expect(gw.gatewayClassName).toBe('default-edge-gw');
  });
});

describe('listeners and routes', () => {
  test('HTTPS listeners get HTTPRoutes with the hostname; two listeners need names when they share a port', () => {
    const { app, gw } = gateway({
      listeners: [
        { name: 'www', hostname: 'www.example.com', protocol: ListenerProtocol.HTTPS, certificate: CERT, backend: { serviceName: 'backend', port: 3000 } },
        { name: 'api', hostname: 'api.example.com', certificate: TlsCertificate.fromSecretName('api-cert', { keyAlgorithm: KeyAlgorithm.RSA_3072 }), backend: { serviceName: 'api', port: 8080 } },
      ],
    });
    const objects = synthApp(app);
    const http = find(objects, 'HTTPRoute', 'eg-www');
    expect(http.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg', sectionName: 'www' }],
      hostnames: ['www.example.com'],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'backend', port: 3000, weight: 1 }] }],
    });
    expect(find(objects, 'TCPRoute', 'eg-api').spec.parentRefs[0].sectionName).toBe('api');
    expect(find(objects, 'Gateway').spec.listeners.map((l: any) => [l.name, l.protocol])).toEqual([['www', 'HTTPS'], ['api', 'TLS']]);
    const names = find(objects, 'EnvoyPatchPolicy').spec.jsonPatches.map((p: any) => `${p.operation.op} ${p.name}`);
    expect(names).toEqual(['add default/example-cert', 'copy default/example-cert', 'add default/api-cert', 'copy default/api-cert']);
    expect(gw.routes).toHaveLength(2);
  });

  test('cross-namespace Secret and backend get one ReferenceGrant per namespace; xDS name uses the Secret namespace', () => {
    const { app } = gateway({
      listeners: [{
        certificate: TlsCertificate.fromSecretName('shared-cert', { namespace: 'certs', keyAlgorithm: KeyAlgorithm.RSA_2048 }),
        backend: { serviceName: 'svc', port: 80, namespace: 'apps' },
      }],
    });
    const objects = synthApp(app);
    const grants = objects.filter((o) => o.kind === 'ReferenceGrant');
    expect(grants.map((g) => [g.metadata.namespace, g.metadata.name, g.spec])).toEqual([
      ['apps', 'default-eg', { from: [{ group: 'gateway.networking.k8s.io', kind: 'TCPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service', name: 'svc' }] }],
      ['certs', 'default-eg', { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default' }], to: [{ group: '', kind: 'Secret', name: 'shared-cert' }] }],
    ]);
    expect(find(objects, 'Gateway').spec.listeners[0].tls.certificateRefs[0]).toEqual({ group: '', kind: 'Secret', name: 'shared-cert', namespace: 'certs' });
    expect(find(objects, 'TCPRoute').spec.rules[0].backendRefs[0].namespace).toBe('apps');
    expect(find(objects, 'EnvoyPatchPolicy').spec.jsonPatches[0].name).toBe('certs/shared-cert');
  });
});

describe('rules', () => {
  const ECDSA = TlsCertificate.fromSecretName('ec-cert', { keyAlgorithm: KeyAlgorithm.ECDSA_P256 });

  test.each<[string, Partial<AcceleratedTlsGatewayProps>, RegExp]>([
    ['pollDelay below 1 ms', { provider: KeyProvider.qat({ pollDelay: Duration.millis(0.5) }) }, /test\/gw: \[ATLS-KEY001\] provider.pollDelay/],
    ['no listeners', { listeners: [] }, /test\/gw: \[ATLS-GW001\] listeners/],
    ['duplicate listener names', { listeners: [{ ...LISTENER, name: 'a' }, { ...LISTENER, name: 'a', port: 8443 }] }, /test\/gw: \[ATLS-GW002\] listeners\[1\].name/],
    ['unnamed listeners sharing a port', { listeners: [LISTENER, { ...LISTENER, hostname: 'b.example.com' }] }, /test\/gw: \[ATLS-GW002\] listeners\[0\].name/],
    ['duplicate port/hostname', { listeners: [{ ...LISTENER, name: 'a' }, { ...LISTENER, name: 'b' }] }, /test\/gw: \[ATLS-GW003\] listeners\[1\].hostname/],
    ['port 0', { listeners: [{ ...LISTENER, port: 0 }] }, /test\/gw: \[ATLS-GW004\] listeners\[0\].port/],
    ['port 65536', { listeners: [{ ...LISTENER, port: 65536 }] }, /test\/gw: \[ATLS-GW004\] listeners\[0\].port/],
    ['backend port', { listeners: [{ ...LISTENER, backend: { serviceName: 'b', port: 1.5 } }] }, /test\/gw: \[ATLS-GW004\] listeners\[0\].backend.port/],
    ['bad namespace', { namespace: 'Default' }, /test\/gw: \[ATLS-GW005\] namespace/],
    ['bad name', { name: 'eg_1' }, /test\/gw: \[ATLS-GW005\] name/],
    ['bad hostname', { listeners: [{ ...LISTENER, hostname: 'www..example.com' }] }, /test\/gw: \[ATLS-GW005\] listeners\[0\].hostname/],
    ['bad secret name', { listeners: [{ ...LISTENER, certificate: TlsCertificate.fromSecretName('Bad!') }] }, /test\/gw: \[ATLS-GW005\] listeners\[0\].certificate.secretName/],
    ['bad service name', { envoy: { serviceName: '1envoy' } }, /test\/gw: \[ATLS-GW005\] envoy.serviceName/],
    ['non-contrib image', { envoy: { image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0' } }, /test\/gw: \[ATLS-IMG001\] envoy.image/],
    ['zero replicas', { envoy: { replicas: 0 } }, /test\/gw: \[ATLS-GW006\] envoy.replicas/],
    ['zero QAT resources', { provider: KeyProvider.qat({ resourcesPerReplica: 0 }) }, /test\/gw: \[ATLS-GW006\] provider.resourcesPerReplica/],
  ])('%s is rejected in the constructor', (_, props, message) => {
    expect(() => gateway(props)).toThrow(message);
  });

  test('a non-contrib image is accepted with allowNonContribImage, and for software', () => {
    expect(() => gateway({ envoy: { image: 'registry.example.com/envoy:v1.39.0', allowNonContribImage: true } })).not.toThrow();
    expect(() => gateway({ provider: KeyProvider.software(), envoy: { image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0' } })).not.toThrow();
  });

  test('QAT with a non-RSA key is an error that acknowledge suppresses', () => {
    const { app, gw } = gateway({ listeners: [{ ...LISTENER, certificate: ECDSA }] });
    expect(() => synthApp(app)).toThrow(/test\/gw: \[ATLS-KEY002\] listeners\[0\].certificate: QAT accelerates RSA keys only; ECDSA P-256/);
    acknowledge(gw, 'ATLS-KEY002', 'the ECDSA listener is served by software fallback on purpose');
    expect(() => synthApp(app)).not.toThrow();
  });

  test.each([
    ['ECDSA P-384', KeyAlgorithm.ECDSA_P384],
    ['RSA e=3', KeyAlgorithm.rsa(2048, 3)],
    ['RSA 1536', KeyAlgorithm.rsa(1536)],
    ['Ed25519', KeyAlgorithm.ED25519],
  ])('CryptoMB rejects %s (not acknowledgeable)', (_, alg) => {
    const { app, gw } = gateway({
      provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }),
      listeners: [{ ...LISTENER, certificate: TlsCertificate.fromSecretName('c', { keyAlgorithm: alg }) }],
    });
    expect(() => synthApp(app)).toThrow(/test\/gw: \[ATLS-KEY003\] listeners\[0\].certificate/);
    expect(() => acknowledge(gw, 'ATLS-KEY003', 'x')).toThrow(/cannot be acknowledged/);
  });

  test('CryptoMB accepts ECDSA P-256 and RSA 4096 from a real PEM', () => {
    for (const args of [['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['rsa:4096']]) {
      const { app } = gateway({
        provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }),
        listeners: [{ ...LISTENER, certificate: TlsCertificate.fromPem(makeCert(args)) }],
      });
      expect(() => synthApp(app)).not.toThrow();
    }
  });

  test('an undeclared key algorithm prints a warning, which acknowledge silences', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { app } = gateway({ listeners: [{ ...LISTENER, certificate: TlsCertificate.fromSecretName('x') }] });
      synthApp(app);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/test\/gw: \[ATLS-KEY004\] listeners\[0\].certificate/));
      warn.mockClear();
      const second = gateway({ listeners: [{ ...LISTENER, certificate: TlsCertificate.fromSecretName('x') }] });
      acknowledge(second.chart, 'ATLS-KEY004', 'key managed by the platform team, always RSA');
      synthApp(second.app);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('the same Secret behind two listeners of one gateway is an error', () => {
    const { app } = gateway({ listeners: [{ ...LISTENER, name: 'a' }, { ...LISTENER, name: 'b', port: 8443 }] });
    expect(() => synthApp(app)).toThrow(/test\/gw: \[ATLS-SEC001\] listeners\[1\].certificate: Secret 'default\/example-cert' also backs test\/gw a/);
  });

  test('two objects with the same name and namespace in one app are an error', () => {
    const { app, chart } = gateway();
    new AcceleratedTlsGateway(new Chart(app, 'other'), 'gw', { namespace: 'default', name: 'eg', provider: KeyProvider.software(), listeners: [LISTENER] });
    expect(chart).toBeDefined();
    expect(() => synthApp(app)).toThrow(/other\/gw\/EnvoyProxy: \[ATLS-APP001\] metadata.name: EnvoyProxy 'envoy-gateway-system\/default-eg' is also defined by test\/gw\/EnvoyProxy/);
  });

  test('unknown and non-acknowledgeable rule ids are refused; a reason is required', () => {
    const { gw } = gateway();
    expect(() => acknowledge(gw, 'ATLS-NOPE', 'x')).toThrow(/unknown rule id/);
    expect(() => acknowledge(gw, 'ATLS-IMG001', 'x')).toThrow(/cannot be acknowledged/);
    expect(() => acknowledge(gw, 'ATLS-KEY002', ' ')).toThrow(/needs a reason/);
  });
});

describe('mergeGateways', () => {
  function merged(secondCert = TlsCertificate.fromSecretName('api-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 })) {
    const { app, chart } = newChart();
    const a = new AcceleratedTlsGateway(chart, 'a', {
      name: 'www', gatewayClassName: 'shared', mergeGateways: true, provider: KeyProvider.qat(), listeners: [LISTENER],
    });
    const b = new AcceleratedTlsGateway(chart, 'b', {
      name: 'api',
      gatewayClassName: 'shared',
      mergeGateways: true,
      createGatewayClass: false,
      provider: KeyProvider.qat(),
      listeners: [{ ...LISTENER, hostname: 'api.example.com', certificate: secondCert }],
    });
    return { app, a, b };
  }

  test('one GatewayClass and EnvoyProxy with mergeGateways; policies target the GatewayClass', () => {
    const { app, a, b } = merged();
    const objects = synthApp(app);
    expect(objects.filter((o) => o.kind === 'GatewayClass')).toHaveLength(1);
    expect(find(objects, 'EnvoyProxy').spec.mergeGateways).toBe(true);
    for (const p of objects.filter((o) => o.kind === 'EnvoyPatchPolicy')) {
      expect(p.spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'shared' });
    }
    expect(b.envoyProxy).toBeUndefined();
    expect(a.envoyServiceName).toBe('envoy-shared');
    expect(b.envoyServiceName).toBe('envoy-shared');
  });

  test('the same Secret across merged gateways is an error', () => {
    expect(() => synthApp(merged(CERT).app)).toThrow(/test\/b: \[ATLS-SEC001\] listeners\[0\].certificate/);
  });

  test('a merged class without exactly one creator is an error', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'b', {
      gatewayClassName: 'shared', mergeGateways: true, createGatewayClass: false, provider: KeyProvider.software(), listeners: [LISTENER],
    });
    expect(() => synthApp(app)).toThrow(/test\/b: \[ATLS-MRG001\] createGatewayClass/);
  });
});

test('synthesis is deterministic', () => {
  const render = () => {
    const { app } = gateway({ provider: KeyProvider.cryptoMb({ placement: NodePlacement.PREFERRED }) });
    return Testing.synth(app.charts[0]);
  };
  expect(JSON.stringify(render())).toBe(JSON.stringify(render()));
});

describe('reliability profile', () => {
  test('two or more replicas add a PodDisruptionBudget and a spread across nodes', () => {
    const { app } = gateway({ envoy: { replicas: 3 } });
    const k = find(synthApp(app), 'EnvoyProxy').spec.provider.kubernetes;
    expect(k.envoyPDB).toEqual({ maxUnavailable: 1 });
    expect(k.envoyDeployment.pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'eg', 'gateway.envoyproxy.io/owning-gateway-namespace': 'default' } },
    }]);
  });

  test('one replica gets neither', () => {
    const k = find(synthApp(gateway().app), 'EnvoyProxy').spec.provider.kubernetes;
    expect(k.envoyPDB).toBeUndefined();
    expect(k.envoyDeployment.pod.topologySpreadConstraints).toBeUndefined();
  });

  test('QAT gateways never surge (a surge pod would wait forever for a free VF); others keep the default', () => {
    const qat = find(synthApp(gateway().app), 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment;
    expect(qat.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const cmb = find(synthApp(gateway({ provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }) }).app), 'EnvoyProxy');
    expect(cmb.spec.provider.kubernetes.envoyDeployment.strategy).toBeUndefined();
  });

  test('fallback defaults to true, and cannot save a non-contrib image', () => {
    expect(KeyProvider.qat().fallback).toBe(true);
    expect(KeyProvider.cryptoMb().fallback).toBe(true);
    expect(() => gateway({ provider: KeyProvider.qat({ fallback: true }), envoy: { image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0' } }))
      .toThrow(/test\/gw: \[ATLS-IMG001\] envoy.image: .*rejects the qat provider config even with fallback/);
  });

  test('merged gateways spread by GatewayClass', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'a', { name: 'www', gatewayClassName: 'shared', mergeGateways: true, provider: KeyProvider.software(), listeners: [LISTENER], envoy: { replicas: 2 } });
    const pod = find(synthApp(app), 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment.pod;
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gatewayclass': 'shared' });
  });
});

test('synth-time checks re-run when the app changes after a synth', () => {
  const { app } = gateway();
  expect(() => synthApp(app)).not.toThrow();
  // A second gateway with the same names, added after the first synth, must still be caught.
  new AcceleratedTlsGateway(new Chart(app, 'late'), 'gw', { namespace: 'default', name: 'eg', provider: KeyProvider.software(), listeners: [LISTENER] });
  expect(() => synthApp(app)).toThrow(/late\/gw\/EnvoyProxy: \[ATLS-APP001\]/);
});

describe('more prop checks, and GatewayClasses shared between gateways', () => {
  test.each<[string, Partial<AcceleratedTlsGatewayProps>, RegExp]>([
    ['memory that is not whole MiB', { envoy: { memory: Size.kibibytes(1536) } }, /test\/gw: \[ATLS-GW006\] envoy.memory: 1536 KiB is not a positive whole number of MiB/],
    ['an unknown placement', { provider: KeyProvider.cryptoMb({ placement: 'SOMETIMES' as any }) }, /test\/gw: \[ATLS-GW005\] provider.placement/],
    ['an unknown service type', { envoy: { serviceType: 'Foo' as any } }, /test\/gw: \[ATLS-GW005\] envoy.serviceType/],
    ['an invalid QAT resource name', { provider: KeyProvider.qat({ resourceName: 'qat.intel.com/CY!!' }) }, /test\/gw: \[ATLS-GW005\] provider.resourceName/],
    ['a route name over 253 characters', { listeners: [{ ...LISTENER, name: `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}` }] }, /test\/gw: \[ATLS-GW005\] listeners\[0\].name/],
    ['an IP address as hostname', { listeners: [{ ...LISTENER, hostname: '10.0.0.1' }] }, /test\/gw: \[ATLS-GW005\] listeners\[0\].hostname/],
    ['no provider', { provider: undefined as any }, /test\/gw: \[ATLS-KEY001\] provider: a KeyProvider is required/],
  ])('%s is rejected naming the prop', (_, props, message) => {
    expect(() => gateway(props)).toThrow(message);
  });

  test('a GatewayClass created by another gateway is shared only under mergeGateways', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'a', { name: 'a', provider: KeyProvider.software(), listeners: [LISTENER] });
    new AcceleratedTlsGateway(chart, 'b', { name: 'b', gatewayClassName: 'default-a', createGatewayClass: false, provider: KeyProvider.software(), listeners: [LISTENER] });
    expect(() => synthApp(app)).toThrow(/test\/b: \[ATLS-MRG001\] mergeGateways: GatewayClass 'default-a' is created by test\/a/);
  });

  test('merged gateways share the provider kind and leave Envoy settings to the creator', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'a', { name: 'a', gatewayClassName: 'm', mergeGateways: true, provider: KeyProvider.qat(), listeners: [LISTENER] });
    new AcceleratedTlsGateway(chart, 'b', {
      name: 'b',
      gatewayClassName: 'm',
      mergeGateways: true,
      createGatewayClass: false,
      provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }),
      listeners: [{ ...LISTENER, certificate: TlsCertificate.fromSecretName('b-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 }) }],
      envoy: { replicas: 2 },
    });
    expect(() => synthApp(app)).toThrow(/test\/b: \[ATLS-MRG001\] provider: merged gateways run on one Envoy fleet: test\/a uses qat, this one cryptomb[\s\S]*test\/b: \[ATLS-MRG001\] envoy: /);
  });
});
