// A gateway (and a benchmark) without a namespace prop lands in its chart's namespace, as cdk8s
// users expect of namespaced objects; constructs with a home of their own keep it.
import { Chart, Testing } from 'cdk8s';
import { AcceleratedTlsGateway, HandshakeBenchmark, KeyProvider, QatNodePrep, Rules, TlsCertificate } from '../../src';
import { makeCert, synthApp } from '../util';
import { LISTENER } from '../util/gateway';

/** `kind/namespace/name` of every object of the app. */
function placed(chartNamespace: string | undefined, gatewayNamespace?: string): string[] {
  const app = Testing.app();
  Rules.acknowledge(app, 'ATLS-QAT003', 'QatNodePrep is in the app; the acknowledgement only keeps the test quiet if it were not');
  const chart = new Chart(app, 'edge', chartNamespace ? { namespace: chartNamespace } : {});
  const certificate = TlsCertificate.fromPem({ ...makeCert(['rsa:2048']), secretName: 'www-tls' });
  const gw = new AcceleratedTlsGateway(chart, 'gw', {
    name: 'eg',
    namespace: gatewayNamespace,
    provider: KeyProvider.qat(),
    listeners: [{ ...LISTENER, certificate, backend: { ...LISTENER.backend, namespace: 'apps' } }],
  });
  new QatNodePrep(chart, 'qat');
  const baseline = new AcceleratedTlsGateway(chart, 'sw', { name: 'sw', namespace: gatewayNamespace, provider: KeyProvider.software({ onQatNodes: true }), listeners: [LISTENER] });
  new HandshakeBenchmark(chart, 'bench', { targets: [gw, baseline] });
  return synthApp(app).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

test('a chart namespace places the Gateway, its routes, Secret, ReferenceGrant, patch policy and the benchmark there', () => {
  const objects = placed('prod');
  expect(objects).toEqual(expect.arrayContaining([
    'Gateway/prod/eg',
    'TCPRoute/prod/eg-tls-443',
    'Secret/prod/www-tls',
    'EnvoyPatchPolicy/prod/eg-key-provider',
    // The grant lives beside the backend and names the gateway's namespace in its name.
    'ReferenceGrant/apps/prod-eg',
    'Job/prod/handshake-benchmark',
    'ConfigMap/prod/handshake-benchmark',
    // Its GatewayClass name follows the namespace; cluster-scoped, it carries none.
    'GatewayClass//prod-eg',
    'ValidatingAdmissionPolicy//atls-envoy-patch-policy-guard',
    // Homes of their own: Envoy Gateway's namespace, the QAT plugin's.
    'EnvoyProxy/envoy-gateway-system/prod-eg',
    'DaemonSet/inteldeviceplugins-system/intel-qat-plugin',
  ]));
  expect(objects.filter((o) => /^(Gateway|TCPRoute|EnvoyPatchPolicy|Job)\//.test(o) && !o.includes('/prod/'))).toEqual([]);
});

test('without a chart namespace the gateway and the benchmark stay in default (the example\'s case)', () => {
  const objects = placed(undefined);
  expect(objects).toEqual(expect.arrayContaining(['Gateway/default/eg', 'EnvoyPatchPolicy/default/eg-key-provider', 'Job/default/handshake-benchmark', 'GatewayClass//default-eg']));
  expect(objects.filter((o) => o.includes('/prod'))).toEqual([]);
});

test('an explicit namespace wins over the chart\'s', () => {
  const objects = placed('prod', 'edge');
  expect(objects).toEqual(expect.arrayContaining(['Gateway/edge/eg', 'EnvoyPatchPolicy/edge/eg-key-provider']));
  expect(objects.filter((o) => o.startsWith('Gateway/prod/'))).toEqual([]);
});

test('cluster-scoped objects of charts in different namespaces still collide by name (ATLS-APP001)', () => {
  const app = Testing.app();
  for (const ns of ['prod', 'staging']) {
    new AcceleratedTlsGateway(new Chart(app, ns, { namespace: ns }), 'gw', { name: 'eg', gatewayClassName: 'shared', provider: KeyProvider.software(), listeners: [LISTENER] });
  }
  // Both EnvoyProxies are in Envoy Gateway's namespace; the GatewayClasses collide though neither carries a namespace.
  expect(() => synthApp(app)).toThrow(/staging\/gw: \[ATLS-APP001\] name: its EnvoyProxy 'envoy-gateway-system\/shared', GatewayClass 'shared' are also defined by prod\/gw/);
});
