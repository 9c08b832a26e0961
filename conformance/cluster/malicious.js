// EnvoyPatchPolicies the EnvoyPatchPolicyGuard must deny, derived from one the app emits and the
// apiserver admitted: new policies (create) and changes to the admitted one (update).
'use strict';

const SECRET = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
const clone = (o) => JSON.parse(JSON.stringify(o));

/** [name, mutate(policy)]: each mutation leaves a policy Envoy Gateway's CRD schema accepts. */
const MUTATIONS = [
  ['a Listener replace', (p) => { p.spec.jsonPatches = [{ type: 'type.googleapis.com/envoy.config.listener.v3.Listener', name: 'default/eg/tls-443', operation: { op: 'replace', path: '/address/socket_address/port_value', value: 8443 } }]; }],
  ['a wrong @type', (p) => { p.spec.jsonPatches[0].operation.value.typed_config['@type'] = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext'; }],
  ['a Cluster patch', (p) => { p.spec.jsonPatches = [{ type: 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'x', operation: { op: 'add', path: '/connect_timeout', value: '1s' } }]; }],
  ['a private_key filename', (p) => { p.spec.jsonPatches[0].operation.value.typed_config.private_key = { filename: '/certs/tls.key' }; }],
  ['a remove op', (p) => { p.spec.jsonPatches.push({ type: SECRET, name: p.spec.jsonPatches[0].name, operation: { op: 'remove', path: '/tls_certificate/private_key' } }); }],
  ['a jsonPath', (p) => { p.spec.jsonPatches[0].operation.jsonPath = '$..tls_certificate'; }],
  ['a RouteConfiguration patch', (p) => { p.spec.jsonPatches.push({ type: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', name: 'x', operation: { op: 'add', path: '/virtual_hosts/0', value: { name: 'evil', domains: ['*'] } } }); }],
  ['a provider_name that does not match its @type', (p) => { p.spec.jsonPatches[0].operation.value.provider_name = p.spec.jsonPatches[0].operation.value.provider_name === 'qat' ? 'cryptomb' : 'qat'; }],
  ['a poll_delay under 1ms', (p) => { p.spec.jsonPatches[0].operation.value.typed_config.poll_delay = '0.0001s'; }],
  ['an extra field in the provider value', (p) => { p.spec.jsonPatches[0].operation.value.sds_config = { path: '/tmp/x' }; }],
  ['a copy from the certificate chain', (p) => { p.spec.jsonPatches[1].operation.from = '/tls_certificate/certificate_chain'; }],
  ['an add over the private key', (p) => { p.spec.jsonPatches[0].operation.path = '/tls_certificate/private_key'; }],
];

/** Runs every mutation as a new policy and as an update of `admitted`, dry-run on the server. */
function attempts(cp, admitted) {
  const base = clone(admitted);
  for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']) delete base.metadata[k];
  delete base.status;
  const out = [];
  MUTATIONS.forEach(([name, mutate], i) => {
    const created = clone(base);
    created.metadata = { name: `malicious-${i}`, namespace: base.metadata.namespace };
    mutate(created);
    out.push({ name: `create with ${name}`, result: cp.kubectlResult(['create', '--dry-run=server', '-f', '-'], JSON.stringify(created)) });
  });
  // Updates of the admitted policy: a Listener patch added, and the add turned into a key replacement.
  for (const [name, mutate] of [MUTATIONS[0], MUTATIONS[MUTATIONS.length - 1]]) {
    const updated = clone(base);
    if (name === MUTATIONS[0][0]) updated.spec.jsonPatches.push(...(() => { const x = clone(base); mutate(x); return x.spec.jsonPatches; })());
    else mutate(updated);
    out.push({ name: `update with ${name}`, result: cp.kubectlResult(['replace', '--dry-run=server', '-f', '-'], JSON.stringify({ ...updated, metadata: { ...updated.metadata, resourceVersion: admitted.metadata.resourceVersion } })) });
  }
  return out;
}

module.exports = { MUTATIONS, attempts };
