// Envoy in the loop: every Envoy Deployment Envoy Gateway rendered runs for real (the standard build
// of the pinned Envoy), as the kubelet would run its pod's `envoy` container (kubelet.js), each in a
// network namespace of its own with its kwok pod IP (podnet.js), connected over xDS to the real
// controller, with real backends on the EndpointSlice addresses.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const tls = require('node:tls');
const E = require('./envoy-assertions');
const addons = require('./addons');
const { waitFor, sleep } = require('./control-plane');
const { containerPlan, podVolumes, hostsFile, startContainer } = require('./kubelet');

const XDS_HOST = `envoy-gateway.${addons.EG_NAMESPACE}.svc.cluster.local`;
const STATS_PORT = 19001;
const PROBES_PER_LISTENER = 2;

/** 'ip:port' of the ready endpoints of Service `ns/name` behind its port `port`. */
function endpointsOf(cp, ns, name, port) {
  const svc = cp.getJson(['service', name, '-n', ns]);
  const sp = svc.spec.ports.find((p) => p.port === port);
  if (!sp) throw new Error(`Service ${ns}/${name} has no port ${port}`);
  const out = [];
  for (const s of cp.getJson(['endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${name}`]).items) {
    const p = (s.ports ?? []).find((x) => (x.name ?? '') === (sp.name ?? ''));
    for (const e of s.endpoints ?? []) if (p && e.conditions?.ready !== false) out.push(...e.addresses.map((a) => `${a}:${p.port}`));
  }
  return out;
}

/** The first certificate of a PEM chain: its SHA-256 fingerprint as Node prints it. */
const fingerprint = (pem) => new crypto.X509Certificate(pem).fingerprint256;

/** The listeners an Envoy fleet serves, each with its Secret's fingerprint, Envoy port and backends. */
function listenersOf(cp, fleet, gateways, routes) {
  const sel = fleet.deployment.spec.selector.matchLabels;
  const svc = cp.getJson(['services', '-n', addons.EG_NAMESPACE, '-l', 'app.kubernetes.io/name=envoy']).items
    .find((s) => Object.entries(s.spec.selector ?? {}).every(([k, v]) => sel[k] === v));
  const out = [];
  for (const g of gateways) {
    for (const l of g.spec.listeners) {
      const ref = l.tls.certificateRefs[0];
      const secret = cp.getJson(['secret', ref.name, '-n', ref.namespace ?? g.metadata.namespace]);
      const attached = routes.filter((r) => r.metadata.namespace === g.metadata.namespace && r.spec.parentRefs
        .some((p) => p.name === g.metadata.name && (!p.sectionName || p.sectionName === l.name)));
      const endpoints = attached.flatMap((r) => r.spec.rules.flatMap((rule) => rule.backendRefs
        .flatMap((b) => endpointsOf(cp, b.namespace ?? r.metadata.namespace, b.name, b.port))));
      const port = svc?.spec.ports.find((p) => p.port === l.port)?.targetPort;
      out.push({
        what: `Gateway ${g.metadata.namespace}/${g.metadata.name} listener ${l.name} (${l.hostname})`,
        gateway: g, hostname: l.hostname, port, endpoints,
        want: fingerprint(Buffer.from(secret.data['tls.crt'], 'base64').toString()),
      });
    }
  }
  return out;
}

/** A TLS connection with `servername` and one HTTP/1.1 request over it: what came back. */
function probe(host, port, servername, reqPath) {
  return new Promise((resolve) => {
    const r = { fingerprint: undefined, status: 0, body: '', error: undefined, path: reqPath };
    let data = '';
    const s = tls.connect({ host, port, servername, rejectUnauthorized: false });
    s.setTimeout(5000, () => s.destroy(new Error('timed out after 5 s')));
    s.once('secureConnect', () => {
      r.fingerprint = s.getPeerCertificate().fingerprint256;
      s.write(`GET ${reqPath} HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\nUser-Agent: atls-cluster-check\r\n\r\n`);
    });
    s.on('data', (d) => { data += d; });
    s.on('error', (e) => { r.error = r.error ?? (e.code ? `${e.code}: ${e.message}` : e.message); });
    s.on('close', () => {
      const [head, ...body] = data.split('\r\n\r\n');
      r.status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0);
      r.body = body.join('\r\n\r\n');
      if (!r.error && !r.status) r.error = `connection closed after ${data.length} bytes`;
      resolve(r);
    });
  });
}

/** GET of a URL reachable from the check's namespace: { status, body } (status 0 when nothing answers). */
function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { let body = ''; res.on('data', (d) => { body += d; }); res.on('end', () => resolve({ status: res.statusCode, body })); });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(5000, () => { req.destroy(); resolve({ status: 0, body: '' }); });
  });
}

/** The provider kind (`qat`, `cryptomb`) the app's EnvoyPatchPolicies give the fleet's gateways, or undefined (software). */
function providerOf(policies, gateways, className) {
  const hits = policies.filter((p) => (p.spec.targetRef.kind === 'GatewayClass' && p.spec.targetRef.name === className)
    || (p.spec.targetRef.kind === 'Gateway' && gateways.some((g) => g.metadata.name === p.spec.targetRef.name && g.metadata.namespace === p.metadata.namespace)));
  return hits.flatMap((p) => p.spec.jsonPatches).map((j) => j.operation.value?.provider_name).find(Boolean);
}

/**
 * Starts every fleet's Envoy (and the backends), returns the running Envoys:
 * { name, netns, ip, proc, logName, plan, listeners, kind, gateways }.
 */
async function startEnvoys(cp, net, fleet, state, { bin, work }) {
  const endpoints = new Set();
  const envoys = [];
  for (const f of fleet) {
    const pod = f.pods[0];
    if (!pod?.status?.podIP) throw new Error(`Envoy Deployment ${f.deployment.metadata.name}: no pod with an IP`);
    const l = f.deployment.metadata.labels;
    const cls = l['gateway.envoyproxy.io/owning-gatewayclass'];
    const gateways = state.gateways.filter((g) => (cls ? g.spec.gatewayClassName === cls
      : g.metadata.name === l['gateway.envoyproxy.io/owning-gateway-name'] && g.metadata.namespace === l['gateway.envoyproxy.io/owning-gateway-namespace']));
    const listeners = listenersOf(cp, f, gateways, state.routes);
    for (const x of listeners) x.endpoints.forEach((e) => endpoints.add(e));
    const dir = path.join(work, 'envoys', f.deployment.metadata.name);
    const plan = containerPlan(cp, pod, 'envoy', podVolumes(cp, pod, dir));
    const netns = net.addPod(pod.metadata.name, pod.status.podIP);
    const logName = `envoy-${envoys.length}`;
    const hosts = hostsFile(pod, [[cp.ip, XDS_HOST, `${XDS_HOST}.`]]);
    envoys.push({
      name: f.deployment.metadata.name, node: pod.metadata.name, netns, ip: pod.status.podIP, plan, listeners, gateways, logName,
      kind: providerOf(state.policies, gateways, cls ?? gateways[0]?.spec.gatewayClassName),
      start: () => startContainer(cp, plan, { netns, dir, logName, hosts, tools: { envoy: path.join(bin, 'envoy') } }),
    });
  }
  for (const e of endpoints) net.addLocal(e.slice(0, e.lastIndexOf(':')));
  const backend = cp.spawn('backends', process.execPath, [path.join(__dirname, 'backend.js'), ...endpoints]);
  await waitFor('the backends to listen', () => cp.logTail('backends', 1000).split('\n').filter((x) => x.startsWith('listening')).length === endpoints.size
    || (backend.exitCode_ !== undefined && Promise.reject(new Error(cp.logTail('backends')))), 30000, 200);
  for (const e of envoys) e.proc = e.start();
  return { envoys, backend };
}

const readLog = (cp, name) => { try { return fs.readFileSync(path.join(cp.logs, `${name}.log`), 'utf8'); } catch { return ''; } };

/** server_info from an Envoy's admin (127.0.0.1:19000 inside its namespace). */
function serverInfo(netns) {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'curl', '-s', '--max-time', '5', 'http://127.0.0.1:19000/server_info'], { encoding: 'utf8' });
  try { return JSON.parse(r.stdout); } catch { return undefined; }
}

/** What the software Envoy `e` serves: probes per listener and the handshake counts around them. */
async function probeSoftware(e) {
  const stats = async () => (await get(`http://${e.ip}:${STATS_PORT}/stats/prometheus`)).body;
  // Ready when each listener completes a handshake (Envoy took its listener, cluster and Secret).
  for (const l of e.listeners) {
    await waitFor(`${l.what} to complete a TLS handshake`, async () => !(await probe(e.ip, l.port, l.hostname, '/ready-check')).error, 30000, 300).catch(() => undefined);
  }
  const addresses = [...new Set(e.listeners.map((l) => l.port))];
  const count = (text, port) => E.promSum(text, 'envoy_listener_ssl_handshake', { envoy_listener_address: `0.0.0.0_${port}` });
  const before = await stats();
  const probes = [];
  for (const l of e.listeners) {
    for (let i = 0; i < PROBES_PER_LISTENER; i++) {
      const reqPath = `/atls-check/${l.gateway.metadata.name}/${l.hostname}/${i}`;
      probes.push({ ...(await probe(e.ip, l.port, l.hostname, reqPath)), what: l.what, want: l.want, endpoints: l.endpoints });
    }
  }
  await sleep(300); // stats are flushed to the store at once, the admin reads them on request
  const after = await stats();
  // A handshake counts once it completed, whatever happened to the request after it.
  const made = (port) => probes.filter((p) => p.fingerprint && e.listeners.find((l) => l.what === p.what).port === port).length;
  return {
    probes,
    counts: addresses.map((port) => ({ what: `Envoy ${e.name} 0.0.0.0_${port}`, before: count(before, port), after: count(after, port), made: made(port) })),
  };
}

/**
 * The Envoy assertion groups over the running fleet: [group, result] pairs, and `observed`, the
 * raw data the negative controls reuse.
 */
async function assertEnvoys(cp, envoys) {
  const out = [];
  const observed = { software: [], accelerated: [] };
  await waitFor('every Envoy to take its xDS config (/ready on 19003)', async () => {
    const r = await Promise.all(envoys.map((e) => get(`http://${e.ip}:19003/ready`)));
    return r.every((x) => x.status === 200) || envoys.some((e) => e.proc.exitCode_ !== undefined);
  }, 60000, 500).catch(() => undefined);
  for (const e of envoys.filter((x) => !x.kind)) {
    const p = await probeSoftware(e);
    const seen = E.nacks(readLog(cp, e.logName), readLog(cp, 'envoy-gateway'), e.node);
    observed.software.push({ e, ...p, seen });
    out.push(['Envoy: every software listener serves its Secret\'s certificate for its SNI (SHA-256)', E.servesCertificate(p.probes)]);
    out.push(['Envoy: every software listener\'s request reaches its backend and the answer comes back', E.reachesBackend(p.probes)]);
    out.push(['Envoy: envoy_listener_ssl_handshake rises by the handshakes made', E.handshakesCounted(p.counts)]);
    out.push(['Envoy: software gateways accept every xDS update (no NACK in Envoy\'s log or the controller\'s)', E.noNack(`Envoy ${e.name}`, seen)]);
  }
  for (const e of envoys.filter((x) => x.kind)) {
    const want = `Failed to load private key provider: ${e.kind}`;
    await waitFor(`Envoy ${e.name} to answer its Secret`, () => readLog(cp, e.logName).includes(want) && readLog(cp, 'envoy-gateway').includes(`on node ${e.node} `), 30000, 300).catch(() => undefined);
    await sleep(1000); // anything else it would reject arrives with the same snapshot
    const seen = E.nacks(readLog(cp, e.logName), readLog(cp, 'envoy-gateway'), e.node);
    const reset = await probe(e.ip, e.listeners[0].port, e.listeners[0].hostname, '/accelerated');
    observed.accelerated.push({ e, seen, reset });
    out.push([`Envoy (standard build): QAT and CryptoMB gateways get exactly the expected NACK, nothing else rejected`, E.expectedNack(`Envoy ${e.name} (${e.kind})`, seen, e.kind)]);
  }
  out.push(['Envoy: the rendered command lines are accepted (QAT: the connection logger at info)', E.argsAccepted(envoys.map((e) => ({
    what: `Envoy ${e.name}`, argv: e.plan.argv, exited: e.proc.exitCode_, logTail: cp.logTail(e.logName, 5), serverInfo: serverInfo(e.netns),
  })))]);
  return { groups: out, observed };
}

module.exports = { startEnvoys, assertEnvoys, probe, get, fingerprint, readLog, STATS_PORT };
