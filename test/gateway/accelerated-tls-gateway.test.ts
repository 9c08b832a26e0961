import { Chart, Duration, Size, Testing } from 'cdk8s';
import {
  AcceleratedTlsGateway, AcceleratedTlsGatewayProps, acknowledge, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate, Versions,
} from '../../src';
import { find, makeCert, synthApp } from '../util';
import { gateway, LISTENER } from '../util/gateway';

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
            container: { image: Versions.ENVOY_CONTRIB_IMAGE, resources: { requests: resources, limits: resources } },
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
});

describe('rules', () => {
  const ECDSA = TlsCertificate.fromSecretName('ec-cert', { keyAlgorithm: KeyAlgorithm.ECDSA_P256 });

  test.each<[string, Partial<AcceleratedTlsGatewayProps>, RegExp]>([
    ['pollDelay below 1 ms', { provider: KeyProvider.qat({ pollDelay: Duration.millis(0.5) }) }, /test\/gw: \[ATLS-KEY006\] provider.pollDelay/],
    ['no listeners', { listeners: [] }, /test\/gw: \[ATLS-GW001\] listeners/],
    ['duplicate listener names', { listeners: [{ ...LISTENER, name: 'a' }, { ...LISTENER, name: 'a', port: 8443 }] }, /test\/gw: \[ATLS-GW002\] listeners\[1\].name/],
    ['unnamed listeners sharing a port', { listeners: [LISTENER, { ...LISTENER, hostname: 'b.example.com' }] }, /test\/gw: \[ATLS-GW002\] listeners\[0\].name/],
    ['duplicate port/hostname', { listeners: [{ ...LISTENER, name: 'a' }, { ...LISTENER, name: 'b' }] }, /test\/gw: \[ATLS-GW003\] listeners\[1\].hostname/],
    ['port 0', { listeners: [{ ...LISTENER, port: 0 }] }, /test\/gw: \[ATLS-GW004\] listeners\[0\].port/],
    ['port 65536', { listeners: [{ ...LISTENER, port: 65536 }] }, /test\/gw: \[ATLS-GW004\] listeners\[0\].port/],
    ['backend port', { listeners: [{ ...LISTENER, backend: { serviceName: 'b', port: 1.5 } }] }, /test\/gw: \[ATLS-GW004\] listeners\[0\].backend.port/],
    ['bad namespace', { namespace: 'Default' }, /test\/gw: \[ATLS-NAME001\] namespace/],
    ['bad name', { name: 'eg_1' }, /test\/gw: \[ATLS-NAME001\] name/],
    ['bad hostname', { listeners: [{ ...LISTENER, hostname: 'www..example.com' }] }, /test\/gw: \[ATLS-NAME001\] listeners\[0\].hostname/],
    ['bad secret name', { listeners: [{ ...LISTENER, certificate: TlsCertificate.fromSecretName('Bad!') }] }, /test\/gw: \[ATLS-NAME001\] listeners\[0\].certificate.secretName/],
    ['bad service name', { envoy: { serviceName: '1envoy' } }, /test\/gw: \[ATLS-NAME001\] envoy.serviceName/],
    ['non-contrib image', { envoy: { image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0' } }, /test\/gw: \[ATLS-IMG001\] envoy.image/],
    ['zero replicas', { envoy: { replicas: 0 } }, /test\/gw: \[ATLS-GW006\] envoy.replicas/],
    ['zero QAT resources', { provider: KeyProvider.qat({ resourcesPerReplica: 0 }) }, /test\/gw: \[ATLS-GW006\] provider.resourcesPerReplica/],
    ['memory that is not whole MiB', { envoy: { memory: Size.kibibytes(1536) } }, /test\/gw: \[ATLS-GW006\] envoy.memory: 1536 KiB is not a positive whole number of MiB/],
    ['an unknown placement', { provider: KeyProvider.cryptoMb({ placement: 'SOMETIMES' as any }) }, /test\/gw: \[ATLS-ENUM001\] provider.placement/],
    ['an unknown service type', { envoy: { serviceType: 'Foo' as any } }, /test\/gw: \[ATLS-ENUM001\] envoy.serviceType/],
    ['an image that is not a reference', { envoy: { image: 'envoy contrib' } }, /test\/gw: \[ATLS-IMG002\] envoy.image: 'envoy contrib' is not an image reference/],
    ['an unknown listener protocol', { listeners: [{ ...LISTENER, protocol: 'UDP' as any }] }, /test\/gw: \[ATLS-ENUM001\] listeners\[0\].protocol: 'UDP' is not one of TLS, HTTPS/],
    ['an invalid QAT resource name', { provider: KeyProvider.qat({ resourceName: 'qat.intel.com/CY!!' }) }, /test\/gw: \[ATLS-NAME001\] provider.resourceName/],
    ['a route name over 253 characters', { listeners: [{ ...LISTENER, name: `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}` }] }, /test\/gw: \[ATLS-NAME001\] listeners\[0\].name/],
    ['an IP address as hostname', { listeners: [{ ...LISTENER, hostname: '10.0.0.1' }] }, /test\/gw: \[ATLS-NAME001\] listeners\[0\].hostname/],
    ['no provider', { provider: undefined as any }, /test\/gw: \[ATLS-KEY001\] provider: a KeyProvider is required/],
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
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^test\/gw: warning \[ATLS-KEY004\] listeners\[0\].certificate/));
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
    expect(() => synthApp(app)).toThrow(/other\/gw: \[ATLS-APP001\] name: its EnvoyProxy 'envoy-gateway-system\/default-eg', GatewayClass 'default-eg', Gateway 'default\/eg', TCPRoute 'default\/eg-tls-443' are also defined by test\/gw: give one/);
  });

  test('unknown and non-acknowledgeable rule ids are refused; a reason is required', () => {
    const { gw } = gateway();
    expect(() => acknowledge(gw, 'ATLS-NOPE', 'x')).toThrow(/unknown rule id/);
    expect(() => acknowledge(gw, 'ATLS-IMG001', 'x')).toThrow(/cannot be acknowledged/);
    expect(() => acknowledge(gw, 'ATLS-KEY002', ' ')).toThrow(/needs a reason/);
  });
});

test('synthesis is deterministic', () => {
  const render = () => {
    const { app } = gateway({ provider: KeyProvider.cryptoMb({ placement: NodePlacement.PREFERRED }) });
    return Testing.synth(app.charts[0]);
  };
  expect(JSON.stringify(render())).toBe(JSON.stringify(render()));
});

test('synth-time checks re-run when the app changes after a synth', () => {
  const { app } = gateway();
  expect(() => synthApp(app)).not.toThrow();
  // A second gateway with the same names, added after the first synth, must still be caught.
  new AcceleratedTlsGateway(new Chart(app, 'late'), 'gw', { namespace: 'default', name: 'eg', provider: KeyProvider.software(), listeners: [LISTENER] });
  expect(() => synthApp(app)).toThrow(/late\/gw: \[ATLS-APP001\] name: its EnvoyProxy/);
});

