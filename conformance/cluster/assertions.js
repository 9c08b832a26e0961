// The cluster check's assertions. Each returns { checked, failures }: how many things it looked at
// and, for each one that is wrong, the reason. The negative controls call the same functions on
// inputs that must make them fail.
'use strict';

const cond = (obj, type) => (obj?.status?.conditions ?? obj?.conditions ?? []).find((c) => c.type === type);
const isTrue = (obj, type) => cond(obj, type)?.status === 'True';
const why = (obj, type) => {
  const c = cond(obj, type);
  return c ? `${type}=${c.status} (${c.reason}: ${String(c.message ?? '').slice(0, 200)})` : `no ${type} condition`;
};
const id = (o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** A resource quantity in base units, so `1000m` equals `1` and `4096Mi` equals `4Gi`. */
function qty(q) {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return NaN;
  const units = { '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40 };
  return Number(m[1]) * (units[m[2]] ?? NaN);
}
function sameResources(a = {}, b = {}) {
  for (const k of ['limits', 'requests']) {
    const x = a[k] ?? {}; const y = b[k] ?? {};
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const r of keys) if (qty(x[r]) !== qty(y[r])) return false;
  }
  return true;
}
const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

/** Pods of workloads: every controller created its pods, none refused by Pod Security. */
function podSecurity(cp, workloads) {
  const failures = [];
  const events = cp.getJson(['events', '-A', '--field-selector', 'reason=FailedCreate']).items;
  const pods = cp.getJson(['pods', '-A']).items;
  const rsOwners = new Map(cp.getJson(['replicasets', '-A']).items
    .map((rs) => [`${rs.metadata.namespace}/${rs.metadata.name}`, rs.metadata.ownerReferences?.[0]?.name]));
  for (const w of workloads) {
    const ns = w.metadata.namespace;
    const owned = (p) => p.metadata.namespace === ns && (p.metadata.ownerReferences ?? []).some((r) => r.name === w.metadata.name
      || (r.kind === 'ReplicaSet' && rsOwners.get(`${ns}/${r.name}`) === w.metadata.name));
    const refused = events.filter((e) => e.metadata.namespace === ns && /PodSecurity/.test(e.message)
      && (e.involvedObject.name === w.metadata.name || rsOwners.get(`${ns}/${e.involvedObject.name}`) === w.metadata.name));
    for (const e of refused.slice(0, 1)) failures.push(`${id(w)}: Pod Security refused its pod: ${e.message.slice(0, 300)}`);
    const want = w.kind === 'DaemonSet' ? w.status?.desiredNumberScheduled ?? 0 : w.kind === 'Job' ? 1 : w.spec.replicas ?? 1;
    const have = pods.filter(owned).length;
    if (!refused.length && have < want) failures.push(`${id(w)}: ${have} of ${want} pods created`);
    if (want === 0) failures.push(`${id(w)}: no pod expected (no node matches?), so Pod Security was not exercised`);
  }
  return { checked: workloads.length, failures };
}

/** The guard's type checking (filled by kube-controller-manager) has no warnings. */
function guardTypeChecking(vap) {
  const tc = vap.status?.typeChecking;
  if (!tc) return { checked: 1, failures: [`${id(vap)}: status.typeChecking is empty (the controller never checked it)`] };
  const warnings = (tc.expressionWarnings ?? []).map((w) => `${w.fieldRef}: ${w.warning.replace(/\s+/g, ' ').slice(0, 300)}`);
  return { checked: 1, failures: warnings.map((w) => `${id(vap)}: type checking warns ${w}`) };
}

/** Each attempt (a kubectl result) was denied by the guard. */
function guardDenies(attempts, policyName) {
  const failures = [];
  for (const a of attempts) {
    if (a.result.status === 0) failures.push(`guard admitted a malicious EnvoyPatchPolicy (${a.name})`);
    else if (!a.result.stderr.includes(policyName)) failures.push(`${a.name}: refused, but not by ${policyName}: ${a.result.stderr.trim().slice(0, 300)}`);
  }
  return { checked: attempts.length, failures };
}

/** Envoy Gateway accepted and programmed every GatewayClass, Gateway, listener, route and EnvoyPatchPolicy. */
function envoyGatewayStatus(classes, gateways, routes, policies) {
  const failures = [];
  let checked = 0;
  for (const c of classes) { checked++; if (!isTrue(c, 'Accepted')) failures.push(`${id(c)}: ${why(c, 'Accepted')}`); }
  for (const g of gateways) {
    for (const t of ['Accepted', 'Programmed']) { checked++; if (!isTrue(g, t)) failures.push(`${id(g)}: ${why(g, t)}`); }
    for (const l of g.spec.listeners) {
      checked++;
      const s = (g.status?.listeners ?? []).find((x) => x.name === l.name);
      if (!s) failures.push(`${id(g)} listener ${l.name}: no status`);
      else if (!isTrue(s, 'Programmed') || !(s.attachedRoutes >= 1)) failures.push(`${id(g)} listener ${l.name}: ${why(s, 'Programmed')}, attachedRoutes ${s.attachedRoutes}`);
    }
  }
  for (const r of routes) {
    const parents = r.status?.parents ?? [];
    checked++;
    if (parents.length < r.spec.parentRefs.length) failures.push(`${id(r)}: status for ${parents.length} of ${r.spec.parentRefs.length} parents`);
    for (const p of parents) for (const t of ['Accepted', 'ResolvedRefs']) if (!isTrue(p, t)) failures.push(`${id(r)} parent ${p.parentRef.name}: ${why(p, t)}`);
  }
  for (const p of policies) {
    checked++;
    const ancestors = p.status?.ancestors ?? [];
    if (!ancestors.length) failures.push(`${id(p)}: no status from Envoy Gateway`);
    for (const a of ancestors) for (const t of ['Accepted', 'Programmed']) if (!isTrue(a, t)) failures.push(`${id(p)} on ${a.ancestorRef.kind} ${a.ancestorRef.name}: ${why(a, t)}`);
  }
  return { checked, failures };
}

/** The Envoy Deployment Envoy Gateway rendered carries what the EnvoyProxy asked for. */
function envoyDeployment(deployment, envoyProxy) {
  const failures = [];
  const want = envoyProxy.spec.provider.kubernetes.envoyDeployment;
  const pod = deployment.spec.template.spec;
  const envoy = pod.containers.find((c) => c.name === 'envoy');
  const name = `${id(deployment)} (from ${id(envoyProxy)})`;
  if (!envoy) return { checked: 1, failures: [`${name}: no envoy container`] };
  if (envoy.image !== want.container.image) failures.push(`${name}: image ${envoy.image}, want ${want.container.image}`);
  if (!sameResources(envoy.resources, want.container.resources)) failures.push(`${name}: resources ${canon(envoy.resources)}, want ${canon(want.container.resources)}`);
  if (canon(pod.affinity ?? null) !== canon(want.pod?.affinity ?? null)) failures.push(`${name}: affinity ${canon(pod.affinity)}, want ${canon(want.pod?.affinity)}`);
  for (const [k, v] of Object.entries(want.pod?.nodeSelector ?? {})) if (pod.nodeSelector?.[k] !== v) failures.push(`${name}: nodeSelector ${canon(pod.nodeSelector)} lacks ${k}=${v}`);
  if (want.strategy && canon(deployment.spec.strategy) !== canon(want.strategy)) failures.push(`${name}: strategy ${canon(deployment.spec.strategy)}, want ${canon(want.strategy)}`);
  const i = envoy.args.indexOf('--concurrency');
  const concurrency = i >= 0 ? Number(envoy.args[i + 1]) : undefined;
  if (envoyProxy.spec.concurrency !== undefined && concurrency !== envoyProxy.spec.concurrency) failures.push(`${name}: --concurrency ${concurrency}, want ${envoyProxy.spec.concurrency}`);
  return { checked: 1, failures };
}

/** Each node carries exactly the intended labels among those the app's NodeFeatureRules can set. */
function nodeLabels(nodes, ruleLabels, intended) {
  const failures = [];
  for (const n of nodes) {
    const have = Object.keys(n.metadata.labels ?? {}).filter((l) => ruleLabels.includes(l)).sort();
    const want = [...(intended[n.metadata.name] ?? [])].sort();
    if (canon(have) !== canon(want)) failures.push(`node ${n.metadata.name}: rule labels [${have.join(', ')}], intended [${want.join(', ')}]`);
  }
  return { checked: nodes.length, failures };
}

/** Every pod of `pods` is bound to one of `allowed` nodes. */
function boundTo(what, pods, allowed) {
  const failures = [];
  if (!pods.length) failures.push(`${what}: no pods`);
  for (const p of pods) {
    if (!p.spec.nodeName) failures.push(`${what}: ${p.metadata.namespace}/${p.metadata.name} is not scheduled: ${why(p, 'PodScheduled')}`);
    else if (!allowed.includes(p.spec.nodeName)) failures.push(`${what}: ${p.metadata.namespace}/${p.metadata.name} is on ${p.spec.nodeName}, allowed: ${allowed.join(', ')}`);
  }
  return { checked: pods.length, failures };
}

/** The benchmark pod never ran on a node together with an Envoy pod of its targets. */
function benchmarkApart(benchmarkPods, envoyPods) {
  const failures = [];
  const time = (t) => (t ? Date.parse(t) : Infinity);
  for (const b of benchmarkPods) {
    if (!b.spec.nodeName) { failures.push(`benchmark ${b.metadata.name}: not scheduled: ${why(b, 'PodScheduled')}`); continue; }
    const bStart = time(cond(b, 'PodScheduled')?.lastTransitionTime);
    const bEnd = time(b.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt);
    for (const e of envoyPods.filter((x) => x.spec.nodeName === b.spec.nodeName)) {
      const eStart = time(cond(e, 'PodScheduled')?.lastTransitionTime);
      if (eStart < bEnd && bStart < Infinity) failures.push(`benchmark ${b.metadata.name} shares ${b.spec.nodeName} with Envoy pod ${e.metadata.name}`);
    }
  }
  return { checked: benchmarkPods.length, failures };
}

/** The CRDs have the same spec (and generation) after the app was applied. */
function crdsUnchanged(before, after) {
  const failures = [];
  for (const b of before) {
    const a = after.find((x) => x.metadata.name === b.metadata.name);
    if (!a) failures.push(`CRD ${b.metadata.name}: gone`);
    else if (a.metadata.generation !== b.metadata.generation || canon(a.spec) !== canon(b.spec)) failures.push(`CRD ${b.metadata.name}: changed (generation ${b.metadata.generation} -> ${a.metadata.generation})`);
  }
  return { checked: before.length, failures };
}

module.exports = {
  cond, isTrue, id, qty, podSecurity, guardTypeChecking, guardDenies, envoyGatewayStatus, envoyDeployment, nodeLabels, boundTo,
  benchmarkApart, crdsUnchanged,
};
