#!/usr/bin/env node
// Stage 2: Envoy Gateway's own offline translator over every synthesized gateway.
//
//   node conformance/translate.js EGCTL SCENARIO_DIR
//
// Each GatewayClass of each scenario becomes one egctl input (egctl keeps only one class per
// file) with explicit namespaces, a ClusterIP Service per backend and a kubernetes.io/tls Secret
// (base64 data, a throw-away certificate with the key type its provider needs). Everything is
// asserted from egctl's output (`--to ir,xds`). Broken policies must make the check fail.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readYamlDocs, writeYamlDocs, yamlFiles, makeCert, qatGatewayFile } = require('./lib');

const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
const ROUTE_KINDS = ['TCPRoute', 'HTTPRoute', 'TLSRoute'];
const certs = { rsa: makeCert(['rsa:2048']), ec: makeCert(['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']) };

/** The egctl inputs of one scenario: one per GatewayClass it defines. */
function inputsOf(docs) {
  const inputs = [];
  for (const gc of docs.filter((d) => d.kind === 'GatewayClass')) {
    const proxyRef = gc.spec.parametersRef;
    const proxy = proxyRef && docs.find((d) => d.kind === 'EnvoyProxy' && d.metadata.name === proxyRef.name && d.metadata.namespace === proxyRef.namespace);
    const gateways = docs.filter((d) => d.kind === 'Gateway' && d.spec.gatewayClassName === gc.metadata.name);
    const gwKeys = new Set(gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`));
    const routes = docs.filter((d) => ROUTE_KINDS.includes(d.kind)
      && d.spec.parentRefs.some((p) => gwKeys.has(`${p.namespace ?? d.metadata.namespace}/${p.name}`)));
    // Policies aimed at this class or its gateways, in any namespace (a misplaced one must fail the check).
    const gwNames = new Set(gateways.map((g) => g.metadata.name));
    const policies = docs.filter((d) => d.kind === 'EnvoyPatchPolicy'
      && (d.spec.targetRef.kind === 'GatewayClass' ? d.spec.targetRef.name === gc.metadata.name : gwNames.has(d.spec.targetRef.name)));
    const grants = docs.filter((d) => d.kind === 'ReferenceGrant');
    const secrets = docs.filter((d) => d.kind === 'Secret' && d.type === 'kubernetes.io/tls');
    const provider = policies.map((p) => p.spec.jsonPatches?.[0]?.operation?.value?.provider_name).find(Boolean);
    const extra = [];
    // A Secret for every certificate reference the scenario does not carry itself.
    for (const g of gateways) {
      for (const l of g.spec.listeners) {
        for (const ref of l.tls?.certificateRefs ?? []) {
          const ns = ref.namespace ?? g.metadata.namespace;
          if ([...secrets, ...extra].some((s) => s.metadata.name === ref.name && s.metadata.namespace === ns)) continue;
          const c = provider === 'cryptomb' ? certs.ec : certs.rsa;
          extra.push({
            apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: ref.name, namespace: ns },
            data: { 'tls.crt': c.crt.toString('base64'), 'tls.key': c.key.toString('base64') },
          });
        }
      }
    }
    // A ClusterIP Service for every backend (egctl's xDS output needs an address).
    let ip = 10;
    for (const r of routes) {
      for (const rule of r.spec.rules ?? []) {
        for (const b of rule.backendRefs ?? []) {
          const ns = b.namespace ?? r.metadata.namespace;
          if (extra.some((s) => s.kind === 'Service' && s.metadata.name === b.name && s.metadata.namespace === ns)) continue;
          extra.push({
            apiVersion: 'v1', kind: 'Service', metadata: { name: b.name, namespace: ns },
            spec: { clusterIP: `10.96.0.${ip++}`, ports: [{ name: 'p', port: b.port, targetPort: b.port }], selector: { app: b.name } },
          });
        }
      }
    }
    inputs.push({ className: gc.metadata.name, docs: [gc, ...(proxy ? [proxy] : []), ...gateways, ...routes, ...policies, ...grants, ...secrets, ...extra] });
  }
  return inputs;
}

const conds = (list) => Object.fromEntries((list ?? []).map((c) => [c.type, c.status]));

/** Runs egctl on one input file and returns the failures found in its output. */
function check(egctl, file, docs) {
  const failures = [];
  const expectTrue = (where, c, types) => types.forEach((t) => { if (c[t] !== 'True') failures.push(`${where}: ${t}=${c[t]}`); });
  const gc = docs.find((d) => d.kind === 'GatewayClass');
  const proxy = docs.find((d) => d.kind === 'EnvoyProxy');
  const merged = proxy?.spec?.mergeGateways === true;
  for (const d of docs) {
    if (d.kind !== 'GatewayClass' && !d.metadata.namespace) failures.push(`${d.kind}/${d.metadata.name}: no namespace`);
  }
  const res = spawnSync(egctl, ['x', 'translate', '--from', 'gateway-api', '--to', 'ir,xds', '-o', 'json', '-f', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) return { failures: [...failures, `egctl exited ${res.status}: ${res.stderr.slice(0, 500)}`] };
  const out = JSON.parse(res.stdout);
  expectTrue(`GatewayClass ${gc.metadata.name}`, conds(out.gatewayClass?.status?.conditions), ['Accepted']);
  const gateways = docs.filter((d) => d.kind === 'Gateway');
  const stats = { gateways: 0, listeners: 0, routes: 0, policies: 0 };
  for (const g of gateways) {
    const key = `${g.metadata.namespace}/${g.metadata.name}`;
    const og = (out.gateways ?? []).find((x) => `${x.metadata.namespace}/${x.metadata.name}` === key);
    if (!og) { failures.push(`Gateway ${key}: missing from egctl output`); continue; }
    stats.gateways++;
    const ir = out.xdsIR?.[key] ?? {};
    const irNames = new Set([
      ...(ir.tcp ?? []).flatMap((t) => [...(t.tls?.certificates ?? []), ...(t.routes ?? []).flatMap((r) => r.tls?.terminate?.certificates ?? [])]),
      ...(ir.http ?? []).flatMap((h) => h.tls?.certificates ?? []),
    ].map((c) => c.name));
    // SDS Secret names per xDS filter chain: EG merges listeners sharing a port into one xDS
    // listener, with one chain per HTTPS listener (`<ns>/<gw>/<listener>`) or TCP route (`tcproute/<ns>/<route>`).
    const sds = new Map();
    for (const c of out.xds?.[key]?.configs ?? []) {
      if (!c['@type'].endsWith('ListenersConfigDump')) continue;
      for (const dl of c.dynamicListeners ?? []) {
        for (const fc of dl.activeState.listener.filterChains ?? []) {
          const names = (fc.transportSocket?.typedConfig?.commonTlsContext?.tlsCertificateSdsSecretConfigs ?? []).map((x) => x.name);
          sds.set(fc.name, new Set([...(sds.get(fc.name) ?? []), ...names]));
        }
      }
    }
    const chainsOf = (l) => [`${key}/${l.name}`, ...docs.filter((r) => r.kind === 'TCPRoute' && r.spec.parentRefs.some((p) => p.name === g.metadata.name && p.sectionName === l.name))
      .map((r) => `tcproute/${r.metadata.namespace}/${r.metadata.name}`)];
    for (const l of g.spec.listeners) {
      stats.listeners++;
      const where = `Gateway ${key} listener ${l.name}`;
      const st = (og.status?.listeners ?? []).find((x) => x.name === l.name);
      if (!st) { failures.push(`${where}: no status`); continue; }
      expectTrue(where, conds(st.conditions), ['Accepted', 'Programmed', 'ResolvedRefs']);
      if (!(st.attachedRoutes >= 1)) failures.push(`${where}: attachedRoutes=${st.attachedRoutes}`);
      for (const ref of l.tls?.certificateRefs ?? []) {
        const name = `${ref.namespace ?? g.metadata.namespace}/${ref.name}`;
        if (!irNames.has(name)) failures.push(`${where}: IR has no TLS certificate ${name} (has ${[...irNames]})`);
        if (!chainsOf(l).some((c) => sds.get(c)?.has(name))) failures.push(`${where}: no xDS filter chain of it references SDS Secret ${name}`);
      }
    }
    for (const kind of ['tcpRoutes', 'httpRoutes']) {
      for (const r of out[kind] ?? []) {
        const parents = (r.status?.parents ?? []).filter((p) => p.parentRef.name === g.metadata.name);
        if (parents.length === 0) continue;
        stats.routes++;
        for (const p of parents) expectTrue(`${r.kind ?? kind} ${r.metadata.namespace}/${r.metadata.name}`, conds(p.conditions), ['Accepted', 'ResolvedRefs']);
      }
    }
    const bound = new Map((ir.envoyPatchPolicies ?? []).map((p) => [`${p.namespace}/${p.name}`, p]));
    for (const p of docs.filter((d) => d.kind === 'EnvoyPatchPolicy')) {
      const id = `${p.metadata.namespace}/${p.metadata.name}`;
      const t = p.spec.targetRef;
      if (merged) {
        // egctl v1.9.0 never enables merged translation, so the target is checked as the controller would.
        if (t.kind !== 'GatewayClass' || t.name !== gc.metadata.name) failures.push(`EnvoyPatchPolicy ${id}: under mergeGateways it must target GatewayClass ${gc.metadata.name}, not ${t.kind} ${t.name}`);
        continue;
      }
      if (t.kind !== 'Gateway' || t.name !== g.metadata.name) {
        // Targets another gateway of this class: it must then be bound there.
        if (!gateways.some((x) => x.metadata.name === t.name && x.metadata.namespace === p.metadata.namespace)) {
          failures.push(`EnvoyPatchPolicy ${id}: targets ${t.kind} ${t.name}, which is not a Gateway in its namespace`);
        }
        continue;
      }
      stats.policies++;
      const op = (out.envoyPatchPolicies ?? []).find((x) => `${x.metadata.namespace}/${x.metadata.name}` === id);
      const ancestors = op?.status?.ancestors;
      if (!ancestors) { failures.push(`EnvoyPatchPolicy ${id}: no status (not attached: a policy must be in its Gateway's namespace)`); continue; }
      for (const a of ancestors) expectTrue(`EnvoyPatchPolicy ${id}`, conds(a.conditions), ['Accepted']);
      const b = bound.get(id);
      if (!b) { failures.push(`EnvoyPatchPolicy ${id}: not bound in xdsIR[${key}]`); continue; }
      for (const jp of b.jsonPatches ?? []) {
        if (jp.type === SECRET_TYPE && !irNames.has(jp.name)) failures.push(`EnvoyPatchPolicy ${id}: patches xDS Secret ${jp.name}, which gateway ${key} does not have (${[...irNames]})`);
      }
    }
  }
  return { failures, stats };
}

function proveItFails(egctl, exampleFile, tmp) {
  const base = inputsOf(readYamlDocs(exampleFile))[0].docs;
  const variants = {
    'wrong Secret name': (d) => d.filter((o) => o.kind === 'EnvoyPatchPolicy').forEach((p) => p.spec.jsonPatches.forEach((j) => { j.name = 'default/wrong-cert'; })),
    'policy in another namespace': (d) => d.filter((o) => o.kind === 'EnvoyPatchPolicy').forEach((p) => { p.metadata.namespace = 'other'; }),
    'Gateway target under mergeGateways': (d) => { d.find((o) => o.kind === 'EnvoyProxy').spec.mergeGateways = true; },
  };
  for (const [name, mutate] of Object.entries(variants)) {
    const docs = JSON.parse(JSON.stringify(base));
    mutate(docs);
    const file = path.join(tmp, `broken-${name.replace(/\W+/g, '-')}.yaml`);
    writeYamlDocs(file, docs);
    const { failures } = check(egctl, file, docs);
    if (failures.length === 0) throw new Error(`the check accepted a broken policy (${name})`);
  }
  return Object.keys(variants).length;
}

function main() {
  const [egctl, scenarioDir] = process.argv.slice(2);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-egctl-'));
  const broken = proveItFails(egctl, qatGatewayFile(path.join(scenarioDir, '..', 'example')), tmp);
  const total = { inputs: 0, gateways: 0, listeners: 0, routes: 0, policies: 0 };
  const failures = [];
  for (const f of yamlFiles(scenarioDir)) {
    inputsOf(readYamlDocs(f)).forEach((input, i) => {
      const file = path.join(tmp, `${path.basename(f, '.yaml')}-${i}.yaml`);
      writeYamlDocs(file, input.docs);
      const r = check(egctl, file, input.docs);
      failures.push(...r.failures.map((x) => `${path.basename(f)} [${input.className}]: ${x}`));
      total.inputs++;
      for (const k of ['gateways', 'listeners', 'routes', 'policies']) total[k] += r.stats?.[k] ?? 0;
    });
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  if (failures.length > 0) {
    console.error(failures.join('\n'));
    console.error(`egctl x translate: ${failures.length} failures`);
    process.exit(1);
  }
  console.log(`egctl x translate: ${total.gateways} gateways in ${total.inputs} inputs translated (${total.listeners} listeners Accepted/Programmed/ResolvedRefs, ` +
    `${total.routes} routes accepted, ${total.policies} patch policies accepted and bound to their Secrets); ${broken}/${broken} broken policies caught`);
}

if (require.main === module) main();
module.exports = { inputsOf, check };
