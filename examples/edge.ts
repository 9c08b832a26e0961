// The scenario of Envoy Gateway's task "Accelerating TLS Handshakes using Private Key Provider in Envoy"
// (https://gateway.envoyproxy.io/v1.9/tasks/security/private-key-provider/) as an app: the TLS-termination backend behind a QAT gateway, a CryptoMB
// gateway and a software baseline, each chart in its own file; the Envoy Gateway config, the
// node features (NFD and the CryptoMB rule) and the QAT node preparation (device plugin, VF setup,
// host preparation, node rules) in charts of their own, and a handshake benchmark comparing each
// accelerated gateway with a software baseline of its shape and placement. `npx projen example`
// synthesizes it into dist/manifests/.
import { App, Chart, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, HandshakeBenchmark, KeyAlgorithm, KeyProvider, NodePlacement,
  QatNodePrep, TlsCertificate,
} from '../src';

/** Backend of Envoy Gateway's tls-termination example: echo-basic on port 3000. */
export class Backend extends Chart {
  constructor(scope: App, id: string) {
    super(scope, id, { namespace: 'default' });
    const labels = { app: 'backend', version: 'v1' };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: 'backend' } });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: 'backend', labels: { app: 'backend', service: 'backend' } },
      spec: { ports: [{ name: 'http', port: 3000, targetPort: k8s.IntOrString.fromNumber(3000) }], selector: { app: 'backend' } },
    });
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: 'backend' },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'backend',
            containers: [{
              name: 'backend',
              image: 'registry.k8s.io/gateway-api/echo-basic:v1.5.1',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 3000 }],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
            }],
          },
        },
      },
    });
  }
}

/** Builds the example app's charts into `app`. */
export function defineEdge(app: App): void {
  new Backend(app, 'backend');

  // The task's Secret (`kubectl create secret tls example-cert ...`, see the README), RSA 2048.
  const certificate = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
  const listeners = [{
    hostname: 'www.example.com',
    port: 443,
    certificate,
    backend: { serviceName: 'backend', port: 3000 },
  }];

  const gateways: Array<[string, KeyProvider]> = [
    ['qat', KeyProvider.qat({ pollDelay: Duration.millis(1), fallback: true })],
    ['cryptomb', KeyProvider.cryptoMb({ pollDelay: Duration.millis(1), fallback: true })],
    // The QAT gateway's baseline: the nodes its pods land on (where QAT VFs are advertised), no provider.
    ['software', KeyProvider.software({ onQatNodes: true })],
    // The CryptoMB gateway's baseline: the same node type (its REQUIRED affinity), no provider.
    ['software-cryptomb', KeyProvider.software({ placement: NodePlacement.REQUIRED })],
  ];
  const gw: Record<string, AcceleratedTlsGateway> = {};
  for (const [kind, provider] of gateways) {
    const chart = new Chart(app, `${kind}-gateway`);
    gw[kind] = new AcceleratedTlsGateway(chart, 'gw', { namespace: 'default', name: `eg-${kind}`, provider, listeners });
  }

  // No EnvoyGatewayConfig: Envoy Gateway is installed with Helm, which enables EnvoyPatchPolicy.
  // NFD and the rule labelling CryptoMB-capable nodes, which the CryptoMB gateway requires.
  new CryptoMbAffinity(new Chart(app, 'node-features'), 'cryptomb');

  // Every QAT step of the task that Kubernetes can take: plugin, VFs (sym;asym -> qat.intel.com/cy,
  // what the QAT gateway requests), vfio-pci, /dev/vfio access, memlock, NFD rules.
  new QatNodePrep(new Chart(app, 'qat-node-prep'), 'qat');

  // The task's benchmark, fair: each accelerated gateway right after its own baseline, same flags.
  new HandshakeBenchmark(new Chart(app, 'benchmark'), 'benchmark', {
    targets: [gw.software, gw.qat, gw['software-cryptomb'], gw.cryptomb],
  });
}
