// The cluster check's scenarios besides the example app, each an app of its own, synthesized into
// <outdir>/<scenario>/ and applied as the README says. Certificates are Secrets the check creates
// (`kubectl create secret tls`, as a user would).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { defineEdge } from '../../examples/edge';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, HandshakeCheck, KeyAlgorithm, KeyProvider, ListenerProtocol, NodeFeatureDiscovery, TlsCertificate,
} from '../../src';

const cert = (name: string) => TlsCertificate.fromSecretName(name, { keyAlgorithm: KeyAlgorithm.RSA_2048 });

/**
 * A namespace under Pod Security `restricted` with a backend (Envoy Gateway resolves a TCPRoute's
 * backend only when it has ready endpoints), written to meet `restricted`.
 */
function namespaceWithBackend(chart: Chart, ns: string): void {
  new k8s.KubeNamespace(chart, 'Namespace', { metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  const labels = { app: 'backend' };
  new k8s.KubeService(chart, 'Backend', {
    metadata: { name: 'backend', namespace: ns },
    spec: { ports: [{ name: 'http', port: 3000 }], selector: labels },
  });
  new k8s.KubeDeployment(chart, 'BackendDeployment', {
    metadata: { name: 'backend', namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'backend',
            image: 'registry.k8s.io/gateway-api/echo-basic:v1.5.1',
            ports: [{ containerPort: 3000 }],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  });
}

const SCENARIOS: Record<string, (app: App) => void> = {
  // Two gateways merged into one Envoy fleet of a QAT GatewayClass.
  'merged': (app) => {
    const chart = new Chart(app, 'merged');
    namespaceWithBackend(chart, 'merged');
    const provider = KeyProvider.qat({ pollDelay: Duration.millis(1), fallback: true });
    const backend = { serviceName: 'backend', port: 3000 };
    new AcceleratedTlsGateway(chart, 'www', {
      namespace: 'merged',
      name: 'www',
      gatewayClassName: 'atls-merged',
      mergeGateways: true,
      provider,
      listeners: [{ hostname: 'www.example.com', certificate: cert('www-cert'), backend }],
    });
    new AcceleratedTlsGateway(chart, 'api', {
      namespace: 'merged',
      name: 'api',
      gatewayClassName: 'atls-merged',
      mergeGateways: true,
      createGatewayClass: false,
      provider,
      listeners: [{ hostname: 'api.example.com', certificate: cert('api-cert'), backend }],
    });
  },
  // HTTPS listeners (HTTPRoutes) on a CryptoMB gateway, two hostnames, and on a software gateway
  // (which a standard-build Envoy serves, so the check sends requests through its HTTPRoutes).
  'https': (app) => {
    NodeFeatureDiscovery.useExisting(app);
    new CryptoMbAffinity(new Chart(app, 'node-features'), 'cryptomb');
    const chart = new Chart(app, 'https');
    namespaceWithBackend(chart, 'https');
    const listeners = ['a', 'b'].map((h) => ({
      name: `https-${h}`,
      protocol: ListenerProtocol.HTTPS,
      hostname: `${h}.example.com`,
      certificate: cert(`${h}-cert`),
      backend: { serviceName: 'backend', port: 3000 },
    }));
    new AcceleratedTlsGateway(chart, 'gw', { namespace: 'https', name: 'web', provider: KeyProvider.cryptoMb({ fallback: true }), listeners });
    new AcceleratedTlsGateway(chart, 'gw-software', { namespace: 'https', name: 'web-software', provider: KeyProvider.software(), listeners });
  },
  // An app relying on an NFD that is already installed (upstream's): only its rule and a gateway.
  'existing-nfd': (app) => {
    NodeFeatureDiscovery.useExisting(app);
    new CryptoMbAffinity(new Chart(app, 'node-features'), 'cryptomb');
    const chart = new Chart(app, 'existing-nfd');
    namespaceWithBackend(chart, 'existing-nfd');
    new AcceleratedTlsGateway(chart, 'gw', {
      namespace: 'existing-nfd',
      name: 'edge',
      provider: KeyProvider.cryptoMb({ fallback: true }),
      listeners: [{ hostname: 'edge.example.com', certificate: cert('edge-cert'), backend: { serviceName: 'backend', port: 3000 } }],
    });
  },
};

/**
 * The example's gateways checked after the deploy: a HandshakeCheck over all of them (on the
 * standard build it fails every QAT and CryptoMB listener) and one over the software ones (it
 * passes). Synthesized with the example, whose gateways they address, and written without it
 * (the example is applied as itself).
 */
function handshakeChecks(dir: string): void {
  const app = new App({ outdir: dir });
  defineEdge(app);
  const gateways = app.node.findAll().filter((c): c is AcceleratedTlsGateway => c instanceof AcceleratedTlsGateway);
  const chart = new Chart(app, 'handshake-check');
  new HandshakeCheck(chart, 'all', { gateways });
  new HandshakeCheck(chart, 'software', { gateways: gateways.filter((g) => !g.provider.accelerated), name: 'handshake-check-software' });
  app.synth();
  for (const f of fs.readdirSync(dir)) if (!f.endsWith('-handshake-check.k8s.yaml')) fs.rmSync(path.join(dir, f));
}

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: scenarios.js <outdir>');
for (const [name, define] of Object.entries(SCENARIOS)) {
  const app = new App({ outdir: path.join(outdir, name) });
  define(app);
  app.synth();
}
handshakeChecks(path.join(outdir, 'handshake-check'));
