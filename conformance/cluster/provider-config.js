// The key provider config as Envoy's own API reads it (docs/dev/xds-provider-check.md): for every
// QAT and CryptoMB gateway, conformance/xds's xds-provider-check subscribes to Envoy Gateway's xDS
// server as the gateway's node and checks each patched Secret as served (contrib types, strict,
// Envoy's proto rules, the provider's key = the Secret's key). Then three negative controls, each
// of which must make it fail: a policy without the copy (applied to the real controller), and a
// misspelt field and a poll_delay below 1 ms in the served Secret (the guard denies both at
// admission, so a policy cannot carry them to the controller).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { EG_NAMESPACE } = require('./addons');
const { waitFor } = require('./control-plane');
const { clean } = require('./negative');

const PROVIDERS = ['qat', 'cryptomb'];
const XDS = '127.0.0.1:18000';

const isProviderPolicy = (o) => o.kind === 'EnvoyPatchPolicy'
  && o.spec.jsonPatches.some((p) => p.operation.op === 'add' && PROVIDERS.includes(p.operation.value?.provider_name));

/** The app's EnvoyPatchPolicies that add a contrib provider to the Secrets of Envoy Deployment `d`. */
function providerPolicies(objects, d) {
  const l = d.metadata.labels;
  const targets = (p) => {
    const t = p.spec.targetRef ?? {};
    return t.kind === 'GatewayClass'
      ? t.name === l['gateway.envoyproxy.io/owning-gatewayclass']
      : t.kind === 'Gateway' && t.name === l['gateway.envoyproxy.io/owning-gateway-name'] && p.metadata.namespace === l['gateway.envoyproxy.io/owning-gateway-namespace'];
  };
  return objects.filter((o) => isProviderPolicy(o) && targets(o));
}

/** The node Envoy Gateway serves a Deployment's Envoy as: its --service-cluster; an id of our own. */
function nodeOf(f) {
  const args = f.deployment.spec.template.spec.containers.find((c) => c.name === 'envoy').args;
  const cluster = args[args.indexOf('--service-cluster') + 1];
  return { cluster, id: `${f.pods[0]?.metadata.name ?? f.deployment.metadata.name}-xds-provider-check` };
}

/** Runs the tool; each output line is one checked Secret. */
function runTool(cp, args) {
  const r = spawnSync(path.join(cp.bin, 'xds-provider-check'), args, { encoding: 'utf8', timeout: 60000 });
  const lines = (r.stdout ?? '').split('\n').filter((s) => /^(ok|FAIL) /.test(s));
  if (!lines.length) lines.push(`FAIL xds-provider-check ${args.join(' ')}: exit ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''}: ${(r.stderr ?? '').trim().slice(-600)}`);
  return { lines, failed: lines.filter((s) => s.startsWith('FAIL')) };
}

/** Each gateway to check: its node, Secrets (with the Kubernetes Secret's tls.key), policies. */
function targetsOf(cp, objects, fleet, dir) {
  const out = [];
  for (const f of fleet) {
    const policies = providerPolicies(objects, f.deployment);
    if (!policies.length) continue;
    const names = [...new Set(policies.flatMap((p) => p.spec.jsonPatches.map((j) => j.name)))].sort();
    const secrets = names.map((n) => {
      const [ns, name] = n.split('/');
      const file = path.join(dir, `${ns}_${name}.key`);
      fs.writeFileSync(file, Buffer.from(cp.getJson(['secret', name, '-n', ns]).data['tls.key'], 'base64'), { mode: 0o600 });
      return `${n}=${file}`;
    });
    out.push({ name: f.deployment.metadata.name, node: nodeOf(f), secrets, policies });
  }
  return out;
}

function served(cp, certs, t, save) {
  const args = ['-xds', XDS, '-certs', certs, '-cluster', t.node.cluster, '-node', t.node.id, ...t.secrets.flatMap((s) => ['-secret', s])];
  return runTool(cp, save ? [...args, '-save', save] : args);
}

/** Runs `control`, which returns the tool's result; a control passes when the tool failed. */
async function expectFailure(name, control) {
  try {
    const r = await control();
    if (r.failed.length) {
      console.log(`    negative control "${name}" failed as it must: ${r.failed[0]}`);
      return [];
    }
    return [`negative control "${name}": the check passed (${r.lines.join('; ')}), so it cannot catch this mistake`];
  } catch (e) {
    return [`negative control "${name}" could not run: ${e.message}`];
  }
}

/** The served Secret of `saved` altered by `alter` (on its typed_config), checked from the file. */
function alteredSecret(cp, saved, t, alter) {
  const s = JSON.parse(fs.readFileSync(saved, 'utf8'));
  alter(s.tls_certificate.private_key_provider.typed_config);
  const file = saved.replace(/\.json$/, `.${alter.name}.json`);
  fs.writeFileSync(file, JSON.stringify(s), { mode: 0o600 });
  return runTool(cp, ['-from', file, '-key', t.secrets[0].split('=')[1]]);
}

/** The ValidatingAdmissionPolicyBindings of the EnvoyPatchPolicy guard (live objects). */
function guardBindings(cp) {
  const guards = cp.getJson(['validatingadmissionpolicies']).items
    .filter((v) => v.spec.matchConstraints?.resourceRules?.some((r) => r.resources?.includes('envoypatchpolicies')))
    .map((v) => v.metadata.name);
  return cp.getJson(['validatingadmissionpolicybindings']).items.filter((b) => guards.includes(b.spec.policyName));
}

/**
 * The gateway's first provider policy altered by `alter` (on its jsonPatches), applied to the
 * real controller, then restored; `unguarded` takes the guard's bindings away meanwhile (it
 * denies the mistake at admission). Returns the tool's result once it fails, or after 30 s.
 */
async function alteredPolicy(cp, certs, t, alter, unguarded) {
  const policy = cp.getJson(['envoypatchpolicy', t.policies[0].metadata.name, '-n', t.policies[0].metadata.namespace]);
  const altered = clean(policy);
  alter(altered.spec.jsonPatches);
  const bindings = unguarded ? guardBindings(cp) : [];
  for (const b of bindings) cp.kubectl(['delete', 'validatingadmissionpolicybinding', b.metadata.name]);
  try {
    // The apiserver drops a deleted binding within moments, not at once.
    await waitFor('the altered policy admitted', () => cp.kubectlResult(['replace', '-f', '-'], JSON.stringify(altered)).status === 0, 20000, 1000);
    return await waitFor('Envoy Gateway to serve the altered policy\'s Secret', () => {
      const r = served(cp, certs, t);
      return r.failed.length ? r : undefined;
    }, 30000, 1000).catch(() => served(cp, certs, t));
  } finally {
    cp.kubectl(['replace', '-f', '-'], JSON.stringify(clean(policy)));
    if (bindings.length) cp.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: bindings.map(clean) }));
    await waitFor(`Envoy Gateway to serve ${t.name}'s Secrets as before`, () => served(cp, certs, t).failed.length === 0, 30000, 1000);
  }
}

const addOf = (patches) => patches.find((p) => p.operation.op === 'add').operation.value.typed_config;
const misspelt = function misspelt(c) { c.poll_dealy = c.poll_delay; delete c.poll_delay; };
const below1ms = function below1ms(c) { c.poll_delay = '0.000500s'; };

/**
 * Checks every QAT and CryptoMB gateway of `fleet` (check.js envoyFleet) and runs the negative
 * controls on the first; returns an assertion result (one check per Secret and per control).
 */
async function providerConfig(cp, objects, fleet) {
  const t0 = Date.now();
  const dir = fs.mkdtempSync(path.join(cp.dir, 'xds-provider-check-'));
  const certs = path.join(dir, 'certs');
  fs.mkdirSync(certs);
  const envoy = cp.getJson(['secret', 'envoy', '-n', EG_NAMESPACE]);
  for (const f of ['ca.crt', 'tls.crt', 'tls.key']) fs.writeFileSync(path.join(certs, f), Buffer.from(envoy.data[f], 'base64'), { mode: 0o600 });
  const targets = targetsOf(cp, objects, fleet, dir);
  // Every provider policy of the apps belongs to a rendered Envoy Deployment, else it went unchecked.
  const unchecked = objects.filter((o) => isProviderPolicy(o) && !targets.some((t) => t.policies.includes(o)));
  const result = { checked: 1, failures: unchecked.map((p) => `EnvoyPatchPolicy ${p.metadata.namespace}/${p.metadata.name}: no Envoy Deployment of its target, so no Secret of it was checked`) };
  if (!targets.length) return result;
  for (const [i, t] of targets.entries()) {
    const r = served(cp, certs, t, i === 0 ? dir : undefined);
    for (const line of r.lines) console.log(`    xds-provider-check: ${line}`);
    result.checked += r.lines.length;
    result.failures.push(...r.failed);
  }
  const t = targets[0];
  const saved = path.join(dir, `${t.secrets[0].split('=')[0].replace('/', '_')}.json`);
  const policy = `${t.policies[0].metadata.namespace}/${t.policies[0].metadata.name}`;
  for (const [name, control] of [
    [`a policy without the copy operation (${policy} so altered, applied to the real controller)`,
      () => alteredPolicy(cp, certs, t, (ps) => ps.splice(0, ps.length, ...ps.filter((p) => p.operation.op !== 'copy')), false)],
    [`a misspelt field in typed_config (poll_dealy in ${policy}, applied to the real controller with the guard unbound)`,
      () => alteredPolicy(cp, certs, t, (ps) => misspelt(addOf(ps)), true)],
    [`a poll_delay below 1 ms (0.0005s in ${policy}, applied to the real controller with the guard unbound)`,
      () => alteredPolicy(cp, certs, t, (ps) => below1ms(addOf(ps)), true)],
    ['a misspelt field in typed_config (poll_dealy, in the served Secret fed to the decoder)', async () => alteredSecret(cp, saved, t, misspelt)],
    ['a poll_delay below 1 ms (0.0005s, in the served Secret fed to the decoder)', async () => alteredSecret(cp, saved, t, below1ms)],
  ]) {
    result.checked++;
    result.failures.push(...await expectFailure(name, control));
  }
  console.log(`    xds-provider-check: ${targets.length} gateway(s), ${result.checked} checks in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return result;
}

module.exports = { providerConfig };
