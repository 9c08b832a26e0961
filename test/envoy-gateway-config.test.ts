import { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { AcceleratedTlsGateway, EnvoyGatewayConfig, KeyAlgorithm, KeyProvider, TlsCertificate, Versions } from '../src';
import { find, newChart, synthApp, upstreamFile } from './util';

const LISTENERS = [{ certificate: TlsCertificate.fromSecretName('c', { keyAlgorithm: KeyAlgorithm.RSA_2048 }), backend: { serviceName: 'b', port: 80 } }];

test('the config is the Helm default (release images) plus enableEnvoyPatchPolicy', () => {
  const { app, chart } = newChart();
  new EnvoyGatewayConfig(chart, 'cfg');
  const cm = find(synthApp(app), 'ConfigMap');
  const reference = YAML.parse(upstreamFile('reference', `envoy-gateway-${Versions.ENVOY_GATEWAY}-helm-default-config.yaml`));
  const expected = YAML.parse(reference.data['envoy-gateway.yaml']);
  // The intended differences, and nothing else:
  expected.extensionApis = { enableEnvoyPatchPolicy: true };
  expect(expected.provider.kubernetes.shutdownManager.image).toBe('docker.io/envoyproxy/gateway-dev:latest');
  expected.provider.kubernetes.shutdownManager.image = `docker.io/envoyproxy/gateway:${Versions.ENVOY_GATEWAY}`;
  expect(YAML.parse(cm.data['envoy-gateway.yaml'])).toEqual(expected);
  // Same name and namespace as Helm's, without Helm's labels.
  expect(cm.metadata).toEqual({ name: reference.metadata.name, namespace: reference.metadata.namespace });
});

test.each(['before', 'after'])('an explicit config declared %s the gateways replaces the implicit one', (order) => {
  const { app } = newChart('unused');
  const declare = () => new EnvoyGatewayConfig(new Chart(app, 'eg-config'), 'cfg');
  if (order === 'before') declare();
  for (const n of ['a', 'b']) {
    new AcceleratedTlsGateway(new Chart(app, `gw-${n}`), 'gw', { name: n, provider: KeyProvider.qat(), listeners: LISTENERS });
  }
  if (order === 'after') declare();
  const where = app.node.findAll().filter((c) => c instanceof EnvoyGatewayConfig).map((c) => c.node.path);
  expect(where).toEqual(['eg-config/cfg']);
  expect(synthApp(app).filter((o) => o.kind === 'ConfigMap')).toHaveLength(1);
});

test('without an explicit config, the first gateway with a provider gets it; software gateways never do', () => {
  const { app } = newChart('unused');
  new AcceleratedTlsGateway(new Chart(app, 'sw'), 'gw', { name: 'sw', provider: KeyProvider.software(), listeners: LISTENERS });
  new AcceleratedTlsGateway(new Chart(app, 'q1'), 'gw', { name: 'q1', provider: KeyProvider.qat(), listeners: LISTENERS });
  new AcceleratedTlsGateway(new Chart(app, 'q2'), 'gw', { name: 'q2', provider: KeyProvider.qat(), listeners: LISTENERS });
  expect(app.node.findAll().filter((c) => c instanceof EnvoyGatewayConfig).map((c) => c.node.path)).toEqual(['q1/EnvoyGatewayConfig']);
});

test('a second explicit config is an error; Helm-managed installs emit no ConfigMap', () => {
  const { app, chart } = newChart();
  const cfg = new EnvoyGatewayConfig(chart, 'cfg', { emitConfigMap: false });
  expect(cfg.configMap).toBeUndefined();
  expect(() => new EnvoyGatewayConfig(chart, 'again')).toThrow(/test\/again: \[ATLS-APP002\] id: EnvoyGatewayConfig exists once per app; test\/cfg already defines it/);
  new AcceleratedTlsGateway(chart, 'gw', { provider: KeyProvider.qat(), listeners: LISTENERS });
  expect(synthApp(app).filter((o) => o.kind === 'ConfigMap')).toHaveLength(0);
});

test('the namespace is a DNS-1123 label', () => {
  const { chart } = newChart();
  expect(() => new EnvoyGatewayConfig(chart, 'cfg', { namespace: 'Bad NS!' })).toThrow(/test\/cfg: \[ATLS-GW005\] namespace/);
});
