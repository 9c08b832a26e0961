// HandshakeCheck through the public API: what it emits for a GitOps tool to gate on, what it may
// read (pods, one certificate file per Secret, never a key), and its props' errors (ATLS-CHECK001).
import { Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  AcceleratedTlsGateway, GatewayListener, HandshakeCheck, HandshakeCheckProps, KeyAlgorithm, KeyProvider, Rules, TlsCertificate, Versions,
} from '../../src';
import { find, newChart, synthApp } from '../util';

const CERT = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
const BACKEND = { serviceName: 'backend', port: 3000 };

function gw(chart: Chart, name: string, provider: KeyProvider, listeners?: GatewayListener[], extra: object = {}): AcceleratedTlsGateway {
  return new AcceleratedTlsGateway(chart, name, {
    name, provider, listeners: listeners ?? [{ hostname: 'www.example.com', certificate: CERT, backend: BACKEND }], ...extra,
  });
}

/** A software and a QAT gateway, the QAT one with a second listener on a wildcard and another Secret. */
function scenario(props: Partial<HandshakeCheckProps> = {}) {
  const { app, chart } = newChart();
  const gateways = [
    gw(chart, 'eg-software', KeyProvider.software()),
    gw(chart, 'eg-qat', KeyProvider.qat(), [
      { hostname: 'www.example.com', certificate: CERT, backend: BACKEND },
      { name: 'api', port: 8443, hostname: '*.api.example.com', certificate: TlsCertificate.fromSecretName('api-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 }), backend: BACKEND },
    ]),
  ];
  const check = new HandshakeCheck(new Chart(app, 'check'), 'check', { gateways, ...props });
  return { app, check, objects: synthApp(app).filter((o) => o.metadata.name === 'handshake-check') };
}

describe('the synthesized check', () => {
  const { check, objects } = scenario();
  const job = find(objects, 'Job');
  const pod = job.spec.template.spec;
  const config = JSON.parse(find(objects, 'ConfigMap').data['config.json']);

  test('emits a ServiceAccount, a Role and RoleBinding in the Envoy namespace, the ConfigMap and the Job, in the Secrets\' namespace', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual([
      'ServiceAccount/default', 'Role/envoy-gateway-system', 'RoleBinding/envoy-gateway-system', 'ConfigMap/default', 'Job/default',
    ]);
    expect([check.namespace, check.name, check.roles.length, check.roleBindings.length]).toEqual(['default', 'handshake-check', 1, 1]);
  });

  test('RBAC: get and list pods in the Envoy namespace (their stats), nothing else; no access to any Secret', () => {
    expect(find(objects, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
    expect(find(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'handshake-check', namespace: 'default' }]);
    expect(pod.serviceAccountName).toBe('handshake-check');
  });

  test('a Job a GitOps tool gates on: one attempt, a deadline, a TTL, an Argo CD PostSync hook recreated on each sync', () => {
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(job.spec.backoffLimit).toBe(0);
    // 120 s plus, for each of the 3 listeners, the 10 s handshake timeout and 10 s for the stats.
    expect(job.spec.activeDeadlineSeconds).toBe(180);
    expect(job.spec.ttlSecondsAfterFinished).toBe(3600);
    expect(pod.restartPolicy).toBe('Never');
  });

  test('only each Secret\'s certificate is mounted (items: tls.crt), once per Secret, read-only; never a key', () => {
    expect(pod.volumes.filter((v: any) => v.secret)).toEqual([
      { name: 'cert-0', secret: { secretName: 'api-cert', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
      { name: 'cert-1', secret: { secretName: 'example-cert', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/config', readOnly: true },
      { name: 'cert-0', mountPath: '/secrets/cert-0', readOnly: true },
      { name: 'cert-1', mountPath: '/secrets/cert-1', readOnly: true },
    ]);
    expect(JSON.stringify(objects)).not.toContain('tls.key');
  });

  test('the pod complies with Pod Security restricted, sized small, running the pinned Python image', () => {
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.image).toBe(Versions.BENCHMARK_SCRIPT_IMAGE);
    expect(c.command).toEqual(['python3', '-u', '/config/check.py']);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
  });

  test('every listener is addressed through its gateway\'s Envoy Service with its SNI; a wildcard with a name it accepts', () => {
    expect(config.timeoutSeconds).toBe(10);
    expect(config.gateways.map((g: any) => [g.name, g.provider, g.host, g.podLabels['gateway.envoyproxy.io/owning-gateway-name']])).toEqual([
      ['eg-software', 'software', 'envoy-default-eg-software.envoy-gateway-system.svc', 'eg-software'],
      ['eg-qat', 'qat', 'envoy-default-eg-qat.envoy-gateway-system.svc', 'eg-qat'],
    ]);
    expect(config.gateways[1].listeners).toEqual([
      { name: 'tls-443', port: 443, sni: 'www.example.com', secret: 'default/example-cert', certificate: '/secrets/cert-1/tls.crt' },
      { name: 'api', port: 8443, sni: 'handshake-check.api.example.com', secret: 'default/api-cert', certificate: '/secrets/cert-0/tls.crt' },
    ]);
  });
});

test('options: no Argo CD hook, timeouts, resources, image, name; merged gateways share their class\'s Service', () => {
  const { app, chart } = newChart();
  const merged = { mergeGateways: true, gatewayClassName: 'shared' };
  const a = gw(chart, 'a', KeyProvider.software(), [{ hostname: 'a.example.com', certificate: CERT, backend: BACKEND }], merged);
  const bCert = TlsCertificate.fromSecretName('b-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
  const b = gw(chart, 'b', KeyProvider.software(), [{ hostname: 'b.example.com', port: 8443, certificate: bCert, backend: BACKEND }],
    { ...merged, createGatewayClass: false });
  new HandshakeCheck(chart, 'check', {
    gateways: [a, b],
    argoCdHook: false,
    name: 'edge-check',
    handshakeTimeout: Duration.seconds(3),
    activeDeadline: Duration.minutes(2),
    ttlAfterFinished: Duration.seconds(0),
    cpu: Cpu.millis(250),
    memory: Size.mebibytes(128),
    image: 'registry.example/python:3',
  });
  const objects = synthApp(app);
  const job = find(objects, 'Job', 'edge-check');
  expect(job.metadata.annotations).toBeUndefined();
  expect([job.spec.activeDeadlineSeconds, job.spec.ttlSecondsAfterFinished]).toEqual([120, 0]);
  expect(job.spec.template.spec.containers[0]).toMatchObject({
    image: 'registry.example/python:3', resources: { limits: { cpu: '250m', memory: '128Mi' } },
  });
  const config = JSON.parse(find(objects, 'ConfigMap', 'edge-check').data['config.json']);
  expect(config.timeoutSeconds).toBe(3);
  expect(config.gateways.map((g: any) => [g.host, g.podLabels])).toEqual([
    ['envoy-shared.envoy-gateway-system.svc', { 'gateway.envoyproxy.io/owning-gatewayclass': 'shared' }],
    ['envoy-shared.envoy-gateway-system.svc', { 'gateway.envoyproxy.io/owning-gatewayclass': 'shared' }],
  ]);
  expect(job.spec.template.spec.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName)).toEqual(['b-cert', 'example-cert']);
});

describe('props (ATLS-CHECK001)', () => {
  const cases: Array<[string, Partial<HandshakeCheckProps>, RegExp]> = [
    ['no gateways', { gateways: [] }, /^check\/check: \[ATLS-CHECK001\] gateways: at least one AcceleratedTlsGateway is required$/],
    ['not a gateway', { gateways: [{} as AcceleratedTlsGateway] }, /\[ATLS-CHECK001\] gateways: at least one AcceleratedTlsGateway/],
    ['a namespace other than the Secrets\'', { namespace: 'checks' },
      /^check\/check: \[ATLS-CHECK001\] namespace: 'checks' is not the namespace of the certificate Secrets \('default'\); a pod mounts Secrets of its own namespace only$/],
    ['a bad namespace', { namespace: 'Checks' }, /\[ATLS-NAME001\] namespace/],
    ['a bad name', { name: 'Check!' }, /\[ATLS-NAME001\] name/],
    ['a fractional handshake timeout', { handshakeTimeout: Duration.millis(1500) },
      /^check\/check: \[ATLS-CHECK001\] handshakeTimeout: 1\.5 s is not a whole number of seconds ≥ 1 \(Python: handshake_timeout\)$/],
    ['a zero handshake timeout', { handshakeTimeout: Duration.seconds(0) }, /handshakeTimeout: 0 s/],
    ['a deadline shorter than the listeners may take', { activeDeadline: Duration.seconds(30) },
      /^check\/check: \[ATLS-CHECK001\] activeDeadline: 30 s is shorter than 3 listeners may take \(60 s: each the handshake timeout plus 10 s for the stats\) \(Python: active_deadline\)$/],
    ['a fractional TTL', { ttlAfterFinished: Duration.millis(500) }, /\[ATLS-CHECK001\] ttlAfterFinished: 0\.5 s/],
    ['zero cpu', { cpu: Cpu.millis(0) }, /\[ATLS-CHECK001\] cpu: must be positive/],
    ['a fractional memory', { memory: Size.kibibytes(1000) }, /\[ATLS-CHECK001\] memory: 1000 KiB is not a positive whole number of MiB/],
    ['an image with spaces', { image: 'python 3' }, /\[ATLS-IMG002\] image: 'python 3' is not an image reference/],
    ['a non-boolean hook flag', { argoCdHook: 'yes' as unknown as boolean }, /\[ATLS-CHECK001\] argoCdHook: must be true or false/],
  ];
  test.each(cases)('%s is an error naming the construct path and the prop', (_name, props, message) => {
    expect(() => scenario(props)).toThrow(message);
  });

  test('a gateway listed twice is an error', () => {
    const { chart } = newChart();
    const sw = gw(chart, 'sw', KeyProvider.software());
    expect(() => new HandshakeCheck(chart, 'c', { gateways: [sw, sw] })).toThrow(/^test\/c: \[ATLS-CHECK001\] gateways: a gateway is listed twice$/);
  });

  test('Secrets in two namespaces are an error naming where each is (a pod mounts its own namespace\'s only)', () => {
    const { chart } = newChart();
    const a = gw(chart, 'a', KeyProvider.software());
    const b = gw(chart, 'b', KeyProvider.software(), [{ certificate: TlsCertificate.fromSecretName('edge-cert', { namespace: 'edge' }), backend: BACKEND }]);
    expect(() => new HandshakeCheck(chart, 'c', { gateways: [a, b] })).toThrow(
      'test/c: [ATLS-CHECK001] gateways: the certificate Secrets are in 2 namespaces (gateways[0] listener 0 (Secret default/example-cert), '
      + 'gateways[1] listener 0 (Secret edge/edge-cert)); a pod mounts Secrets of its own namespace only: use one HandshakeCheck per namespace');
    // Positive control: the edge gateway alone is checked from the edge namespace.
    expect(new HandshakeCheck(chart, 'edge', { gateways: [b], name: 'edge-check' }).namespace).toBe('edge');
  });

  test('the rule is listed', () => {
    expect(Rules.ALL.find((r) => r.id === 'ATLS-CHECK001')?.description).toMatch(/^HandshakeCheck props must be valid/);
  });
});
