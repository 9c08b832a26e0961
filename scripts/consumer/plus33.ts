// Values from cdk8s-plus-33 (what cdk8s init installs) passed to the library, whose props are
// typed with cdk8s-plus-28: Cpu and k8s.Toleration are structurally the same types, so they
// compile and synthesize; a backend built with cdk8s-plus-33 is referenced by its Service name.
import { App, Chart } from 'cdk8s';
import * as plus from 'cdk8s-plus-33';
import { AcceleratedTlsGateway, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate } from 'cdk8s-accelerated-tls';

const app = new App({ outdir: process.argv[2] });
const chart = new Chart(app, 'plus33', { namespace: 'default' });

const backend = new plus.Deployment(chart, 'backend', {
  containers: [{ image: 'registry.k8s.io/gateway-api/echo-basic:v1.5.1', portNumber: 3000 }],
});
const service = backend.exposeViaService({ name: 'backend', ports: [{ port: 3000 }] });
const toleration: plus.k8s.Toleration = { key: 'accelerator', operator: 'Exists', effect: 'NoSchedule' };

new AcceleratedTlsGateway(chart, 'gw', {
  name: 'eg',
  provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }),
  listeners: [{
    hostname: 'www.example.com',
    certificate: TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 }),
    backend: { serviceName: service.name, port: 3000 },
  }],
  envoy: { cpu: plus.Cpu.units(2), tolerations: [toleration] },
});
app.synth();
