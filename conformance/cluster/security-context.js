// What Envoy Gateway does with an EnvoyProxy `container.securityContext` (GHSA-w42f-28h3-998w:
// since v1.9.1 it is merged over the hardened default rather than replacing it): a gateway whose
// EnvoyProxy sets two fields, and the Envoy Deployment the real controller renders for it,
// compared with the default it renders for a gateway whose EnvoyProxy sets none.
'use strict';
const addons = require('./addons');
const { waitFor } = require('./control-plane');

const NAME = 'probe-security-context';
// One scalar and one list inside a struct: does the rest of the default (runAsNonRoot, the dropped
// capabilities, the read-only root, seccomp) survive them?
const OVERRIDE = { runAsUser: 10001, capabilities: { add: ['IPC_LOCK'] } };

/** Leaves of `o` as [path, value] (lists as one leaf each element). */
function leaves(o, prefix = '') {
  if (Array.isArray(o)) return o.map((v) => [`${prefix}[]`, v]);
  if (o && typeof o === 'object') return Object.entries(o).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  return [[prefix, o]];
}
const has = (list, [p, v]) => list.some(([q, w]) => q === p && JSON.stringify(w) === JSON.stringify(v));

/**
 * Every field of `override` is in `rendered`, and so is every field of `defaults` that `override`
 * does not set (a merge); reports each one missing.
 */
function mergedOver(rendered, defaults, override) {
  const r = leaves(rendered ?? {});
  const o = leaves(override);
  const setByOverride = (p) => o.some(([q]) => q === p && !p.endsWith('[]'));
  const failures = [];
  for (const leaf of o) if (!has(r, leaf)) failures.push(`the EnvoyProxy's ${leaf[0]}=${JSON.stringify(leaf[1])} is not in the rendered securityContext`);
  for (const leaf of leaves(defaults ?? {})) {
    if (!setByOverride(leaf[0]) && !has(r, leaf)) failures.push(`the default's ${leaf[0]}=${JSON.stringify(leaf[1])} is gone (replaced, not merged)`);
  }
  return failures;
}

const envoyContainer = (d) => d.spec.template.spec.containers.find((c) => c.name === 'envoy');

/** Applies the probe gateway, compares its rendered Deployment with `baseline` (a Deployment of a gateway without override). */
async function securityContextMerge(cp, baseline) {
  const ns = addons.EG_NAMESPACE;
  const objects = [
    { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: { name: NAME, namespace: ns },
      spec: { provider: { type: 'Kubernetes', kubernetes: { envoyDeployment: { container: { securityContext: OVERRIDE } } } } } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: NAME },
      spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: NAME, namespace: ns } } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: NAME, namespace: 'default' },
      spec: { gatewayClassName: NAME, listeners: [{ name: 'http', port: 8080, protocol: 'HTTP' }] } },
  ];
  cp.kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  try {
    const rendered = await waitFor('the Envoy Deployment of the securityContext probe', () => cp.getJson(['deployments', '-n', ns, '-l',
      `gateway.envoyproxy.io/owning-gateway-name=${NAME}`]).items[0], 60000, 1000);
    const got = envoyContainer(rendered).securityContext;
    const defaults = envoyContainer(baseline).securityContext;
    return {
      result: { checked: 1, failures: mergedOver(got, defaults, OVERRIDE).map((f) => `EnvoyProxy ${ns}/${NAME}: ${f}`) },
      note: `securityContext: EnvoyProxy sets ${JSON.stringify(OVERRIDE)}; default rendered ${JSON.stringify(defaults)}; rendered with it ${JSON.stringify(got)}`,
    };
  } finally {
    cp.kubectlResult(['delete', 'gateway', NAME, '-n', 'default']);
    cp.kubectlResult(['delete', 'gatewayclass', NAME]);
    cp.kubectlResult(['delete', 'envoyproxy', NAME, '-n', ns]);
  }
}

module.exports = { securityContextMerge, mergedOver, OVERRIDE };
