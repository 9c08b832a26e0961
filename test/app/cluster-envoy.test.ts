// The cluster check's data-plane pieces on inputs shaped as the real ones: the kubelet's expansion
// and downward API (conformance/cluster/kubelet.js), the Envoy assertions on Envoy's and the
// controller's exact log lines and on Prometheus text (envoy-assertions.js), and the
// securityContext merge check (security-context.js). Each passes on a good input and fails on a bad one.
/* eslint-disable @typescript-eslint/no-require-imports */
const E = require('../../conformance/cluster/envoy-assertions');
const K = require('../../conformance/cluster/kubelet');
const S = require('../../conformance/cluster/security-context');
/* eslint-enable @typescript-eslint/no-require-imports */

const pod = {
  metadata: { name: 'envoy-default-eg-qat-abc', namespace: 'envoy-gateway-system', labels: { app: 'envoy' }, annotations: {} },
  spec: { nodeName: 'spr-qat', serviceAccountName: 'envoy' },
  status: { podIP: '10.244.0.7', hostIP: '10.201.0.11' },
};

test('$(VAR) expands as the kubelet does: $$ escapes, unknown names stay', () => {
  const vars = { ENVOY_POD_NAME: 'pod-1' };
  expect(K.expand('--service-node $(ENVOY_POD_NAME)', vars)).toBe('--service-node pod-1');
  expect(K.expand('$$(ENVOY_POD_NAME) $(NOPE)', vars)).toBe('$(ENVOY_POD_NAME) $(NOPE)');
});

test('fieldRefs resolve from the pod, an unsupported one is an error naming it', () => {
  expect(K.fieldRef(pod, 'metadata.name')).toBe('envoy-default-eg-qat-abc');
  expect(K.fieldRef(pod, "metadata.labels['app']")).toBe('envoy');
  expect(K.fieldRef(pod, "metadata.annotations['topology.kubernetes.io/zone']")).toBe('');
  expect(K.fieldRef(pod, 'status.podIP')).toBe('10.244.0.7');
  expect(() => K.fieldRef(pod, 'spec.hostname')).toThrow(/spec.hostname/);
});

test('the pod\'s /etc/hosts names the pod and what the check resolves for it', () => {
  const hosts = K.hostsFile(pod, [['10.200.0.1', 'envoy-gateway.envoy-gateway-system.svc.cluster.local.']]);
  expect(hosts).toContain('10.244.0.7\tenvoy-default-eg-qat-abc\n');
  expect(hosts).toContain('10.200.0.1\tenvoy-gateway.envoy-gateway-system.svc.cluster.local.\n');
});

const PROM = [
  '# TYPE envoy_listener_ssl_handshake counter',
  'envoy_listener_ssl_handshake{envoy_listener_address="0.0.0.0_10443"} 6580',
  'envoy_listener_ssl_handshake{envoy_listener_address="0.0.0.0_10444"} 3',
  'envoy_listener_ssl_handshake_other{envoy_listener_address="0.0.0.0_10443"} 9',
].join('\n');

test('promSum sums one metric over the series with the given labels', () => {
  expect(E.promSum(PROM, 'envoy_listener_ssl_handshake', { envoy_listener_address: '0.0.0.0_10443' })).toBe(6580);
  expect(E.promSum(PROM, 'envoy_listener_ssl_handshake')).toBe(6583);
  expect(E.promSum(PROM, 'envoy_listener_ssl_handshake', { envoy_listener_address: '0.0.0.0_1' })).toBe(0);
});

// The lines a standard-build Envoy 1.39 and Envoy Gateway v1.9.1 log for a QAT gateway.
const ENVOY_LOG = [
  '[2026-12-03 15:53:51.164][13522][warning][config] [source/server/options_impl.cc:279] Both --concurrency and --cpuset-threads options are set; not applying --cpuset-threads.',
  '[2026-12-03 15:53:51.164][13522][warning][config] [source/extensions/config_subscription/grpc/delta_subscription_state.cc:282] delta config for type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret rejected: Failed to load private key provider: qat',
  '[2026-12-03 15:53:51.164][13522][warning][config] [source/extensions/config_subscription/grpc/grpc_subscription_impl.cc:138] gRPC config for type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret rejected: Failed to load private key provider: qat',
].join('\n');
const NODE = 'envoy-default-eg-qat-d2fc49e8-6b449cbdc-ccbsp';
const CONTROLLER_LOG = `2026-12-03T15:53:51.166Z\terror\txds\tcache/snapshotcache.go:396\tEnvoy rejected the last update for type type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret on node ${NODE} with code 13 and message Failed to load private key provider: qat; the proxy is still serving its last known good config and a restarting proxy will fail to load this config`;

describe('NACKs', () => {
  const seen = E.nacks(ENVOY_LOG, CONTROLLER_LOG, NODE);

  test('are read from both logs, with their type and message', () => {
    expect(seen.envoy).toEqual([{ type: E.SECRET, message: 'Failed to load private key provider: qat' }, { type: E.SECRET, message: 'Failed to load private key provider: qat' }]);
    expect(seen.controller).toEqual([{ type: E.SECRET, message: 'Failed to load private key provider: qat' }]);
    expect(E.nacks(ENVOY_LOG, CONTROLLER_LOG, 'another-node').controller).toEqual([]);
  });

  test('exactly the expected one passes; another kind, a missing one or an extra one fails', () => {
    expect(E.expectedNack('qat', seen, 'qat').failures).toEqual([]);
    expect(E.expectedNack('qat', seen, 'cryptomb').failures.length).toBeGreaterThan(0);
    expect(E.expectedNack('qat', E.nacks('', '', NODE), 'qat').failures).toHaveLength(2);
    const extra = E.nacks(`${ENVOY_LOG}\n… gRPC config for type.googleapis.com/envoy.config.listener.v3.Listener rejected: bad`, CONTROLLER_LOG, NODE);
    expect(E.expectedNack('qat', extra, 'qat').failures).toEqual([expect.stringContaining('Listener rejected: bad')]);
  });

  test('noNack fails on any and passes on none', () => {
    expect(E.noNack('qat', seen).failures).toHaveLength(1);
    expect(E.noNack('software', E.nacks(ENVOY_LOG.split('\n')[0], '', NODE)).failures).toEqual([]);
  });
});

test('handshake counts, certificates and backend answers fail with their reasons', () => {
  expect(E.handshakesCounted([{ what: 'l', before: 2, after: 4, made: 2 }]).failures).toEqual([]);
  expect(E.handshakesCounted([{ what: 'l', before: 2, after: 5, made: 2 }]).failures).toEqual([expect.stringContaining('rose by 3')]);
  expect(E.servesCertificate([{ what: 'l', fingerprint: 'AA', want: 'AA' }]).failures).toEqual([]);
  expect(E.servesCertificate([{ what: 'l', fingerprint: 'AB', want: 'AA' }]).failures).toHaveLength(1);
  expect(E.servesCertificate([{ what: 'l', error: 'ECONNRESET' }]).failures).toEqual([expect.stringContaining('ECONNRESET')]);
  const answer = { what: 'l', status: 200, path: '/p', endpoints: ['10.244.0.1:3000'], body: '{"backend":"10.244.0.1:3000","path":"/p"}' };
  expect(E.reachesBackend([answer]).failures).toEqual([]);
  expect(E.reachesBackend([{ ...answer, endpoints: ['10.244.0.2:3000'] }]).failures).toHaveLength(1);
  expect(E.reachesBackend([{ ...answer, body: '{"backend":"10.244.0.1:3000","path":"/q"}' }]).failures).toHaveLength(1);
});

test('a securityContext merged over the default passes; one that replaced it fails, naming what is gone', () => {
  const defaults = { runAsNonRoot: true, runAsUser: 65532, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true };
  const merged = { ...defaults, runAsUser: 10001, capabilities: { drop: ['ALL'], add: ['IPC_LOCK'] } };
  expect(S.mergedOver(merged, defaults, S.OVERRIDE)).toEqual([]);
  const replaced = S.mergedOver(S.OVERRIDE, defaults, S.OVERRIDE);
  expect(replaced).toEqual(expect.arrayContaining([expect.stringContaining('runAsNonRoot'), expect.stringContaining('capabilities.drop[]')]));
  expect(replaced.join()).not.toContain('runAsUser');
});
