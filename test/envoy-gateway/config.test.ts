import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { AcceleratedTlsGateway, EnvoyGatewayConfig, KeyAlgorithm, KeyProvider, TlsCertificate, Versions } from '../../src';
import { find, newChart, synthApp, testUpstream, upstreamFile } from '../util';

const LISTENERS = [{ certificate: TlsCertificate.fromSecretName('c', { keyAlgorithm: KeyAlgorithm.RSA_2048 }), backend: { serviceName: 'b', port: 80 } }];

testUpstream('the config is the Helm default (release images) plus enableEnvoyPatchPolicy', () => {
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

test('opt-in: gateways with a provider emit no ConfigMap (the Helm install enables EnvoyPatchPolicy)', () => {
  const { app } = newChart('unused');
  for (const n of ['a', 'b']) {
    new AcceleratedTlsGateway(new Chart(app, `gw-${n}`), 'gw', { name: n, provider: KeyProvider.qat(), listeners: LISTENERS });
  }
  expect(app.node.findAll().filter((c) => c instanceof EnvoyGatewayConfig)).toEqual([]);
  expect(synthApp(app).filter((o) => o.kind === 'ConfigMap')).toEqual([]);
  // Declared, it is emitted once, in its own chart.
  new EnvoyGatewayConfig(new Chart(app, 'eg-config'), 'cfg');
  expect(synthApp(app).filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['envoy-gateway-config']);
});

test('a second config is an error; emitConfigMap: false emits nothing', () => {
  const { app, chart } = newChart();
  const cfg = new EnvoyGatewayConfig(chart, 'cfg', { emitConfigMap: false });
  expect(cfg.configMap).toBeUndefined();
  expect(() => new EnvoyGatewayConfig(chart, 'again')).toThrow(/test\/again: \[ATLS-APP002\] id: EnvoyGatewayConfig exists once per app; test\/cfg already defines it/);
  new AcceleratedTlsGateway(chart, 'gw', { provider: KeyProvider.qat(), listeners: LISTENERS });
  expect(synthApp(app).filter((o) => o.kind === 'ConfigMap')).toHaveLength(0);
});

test('the namespace is a DNS-1123 label', () => {
  const { chart } = newChart();
  expect(() => new EnvoyGatewayConfig(chart, 'cfg', { namespace: 'Bad NS!' })).toThrow(/test\/cfg: \[ATLS-NAME001\] namespace/);
});

testUpstream('the README\'s helm install (--set ...enableEnvoyPatchPolicy=true) renders what EnvoyGatewayConfig emits', () => {
  // The README's command, and the helm render of the pinned release's chart with exactly that --set.
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const version = Versions.ENVOY_GATEWAY.replace(/\./g, '\\.');
  const set = new RegExp(`helm install eg oci://docker\\.io/envoyproxy/gateway-helm --version ${version} \\\\\\n.*\\\\\\n\\s+--set (\\S+)\\n`).exec(readme)?.[1];
  expect(set).toBe('config.envoyGateway.extensionApis.enableEnvoyPatchPolicy=true');
  const rendered = YAML.parse(YAML.parse(upstreamFile('reference', `envoy-gateway-${Versions.ENVOY_GATEWAY}-helm-config-envoypatchpolicy.yaml`)).data['envoy-gateway.yaml']);
  const { app, chart } = newChart();
  new EnvoyGatewayConfig(chart, 'cfg');
  const ours = YAML.parse(find(synthApp(app), 'ConfigMap').data['envoy-gateway.yaml']);
  // Equal but for the two release images the library pins (the chart renders development tags).
  expect(ours.provider.kubernetes.shutdownManager.image).toBe(Versions.ENVOY_GATEWAY_IMAGE);
  expect(ours.provider.kubernetes.rateLimitDeployment.container.image).toBe(Versions.ENVOY_RATELIMIT_IMAGE);
  ours.provider.kubernetes.shutdownManager.image = rendered.provider.kubernetes.shutdownManager.image;
  ours.provider.kubernetes.rateLimitDeployment.container.image = rendered.provider.kubernetes.rateLimitDeployment.container.image;
  expect(rendered).toEqual(ours);
  // The control: a misspelt path renders elsewhere and breaks the equality.
  expect({ ...rendered, extensionApis: {}, extensionAPIs: { enableEnvoyPatchPolicy: true } }).not.toEqual(ours);
});
