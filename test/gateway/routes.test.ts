// What a gateway's listeners become: Gateway listeners, routes and ReferenceGrants.
import { KeyAlgorithm, ListenerProtocol, TlsCertificate } from '../../src';
import { find, synthApp } from '../util';
import { CERT, gateway } from '../util/gateway';

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
