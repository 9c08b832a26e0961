import { newChart } from '.';
import { AcceleratedTlsGateway, AcceleratedTlsGatewayProps, KeyAlgorithm, KeyProvider, TlsCertificate } from '../../src';

// The certificate and listener of Envoy Gateway's private key provider task, and a QAT gateway
// `default/eg` with them unless props say otherwise.
export const CERT = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
export const LISTENER = { hostname: 'www.example.com', certificate: CERT, backend: { serviceName: 'backend', port: 3000 } };

export function gateway(props: Partial<AcceleratedTlsGatewayProps> = {}, id = 'gw') {
  const { app, chart } = newChart();
  const gw = new AcceleratedTlsGateway(chart, id, {
    namespace: 'default', name: 'eg', provider: KeyProvider.qat(), listeners: [LISTENER], ...props,
  });
  return { app, chart, gw };
}
