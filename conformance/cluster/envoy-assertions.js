// The assertions on the real Envoys the check runs (dataplane.js collects what they look at). Each
// returns { checked, failures } as those of assertions.js; the negative controls call the same
// functions on inputs that must make them fail.
'use strict';

/** Sum of the series of `name` in Prometheus text whose labels include every one of `labels`. */
function promSum(text, name, labels = {}) {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** Each probe ({ what, fingerprint, want, error }) was served the Secret's certificate. */
function servesCertificate(probes) {
  const failures = [];
  for (const p of probes) {
    if (p.error) failures.push(`${p.what}: no TLS handshake: ${p.error}`);
    else if (p.fingerprint !== p.want) failures.push(`${p.what}: served certificate SHA-256 ${p.fingerprint}, the Secret's is ${p.want}`);
  }
  return { checked: probes.length, failures };
}

/** Each probe's request reached one of its backends ({ endpoints }) and their answer came back. */
function reachesBackend(probes) {
  const failures = [];
  for (const p of probes) {
    if (p.error) { failures.push(`${p.what}: no answer: ${p.error}`); continue; }
    let answer;
    try { answer = JSON.parse(p.body); } catch { answer = undefined; }
    if (p.status !== 200 || !answer) failures.push(`${p.what}: HTTP ${p.status}, body ${JSON.stringify(String(p.body).slice(0, 200))}`);
    else if (answer.path !== p.path) failures.push(`${p.what}: the backend saw path ${answer.path}, the request was for ${p.path}`);
    else if (!p.endpoints.includes(answer.backend)) failures.push(`${p.what}: answered by ${answer.backend}, not one of the route's endpoints ${p.endpoints.join(', ')}`);
  }
  return { checked: probes.length, failures };
}

/** envoy_listener_ssl_handshake of each listener address rose by the handshakes made ({ what, before, after, made }). */
function handshakesCounted(counts) {
  const failures = counts.filter((c) => c.after - c.before !== c.made)
    .map((c) => `${c.what}: envoy_listener_ssl_handshake rose by ${c.after - c.before} (${c.before} -> ${c.after}), ${c.made} handshakes were made`);
  return { checked: counts.length, failures };
}

/** `rejected` lines of Envoy's log ("<type> rejected: <message>") and the controller's, for node `node`. */
function nacks(envoyLog, controllerLog, node) {
  const envoy = [...envoyLog.matchAll(/config for (\S+) rejected: (.*)$/gm)].map((m) => ({ type: m[1], message: m[2].trim() }));
  const controller = controllerLog.split('\n').filter((l) => l.includes('Envoy rejected') && l.includes(`on node ${node} `))
    .map((l) => ({ type: /for type (\S+)/.exec(l)?.[1], message: (/and message (.*?); the proxy/.exec(l) ?? /and message (.*)$/.exec(l))?.[1] }));
  return { envoy, controller };
}

/** Envoy accepted every xDS update: no NACK in its log nor in the controller's. */
function noNack(what, seen) {
  const all = [...seen.envoy.map((n) => ['Envoy', n]), ...seen.controller.map((n) => ['the controller', n])];
  return { checked: 1, failures: all.length ? [`${what}: ${all.length} NACK(s), e.g. ${all[0][0]} logged ${all[0][1].type} rejected: ${all[0][1].message}`] : [] };
}

const SECRET = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
/** Exactly the expected NACK: the Secret, `Failed to load private key provider: <kind>`, in both logs; nothing else rejected. */
function expectedNack(what, seen, kind) {
  const want = `Failed to load private key provider: ${kind}`;
  const failures = [];
  for (const [who, list] of [['Envoy', seen.envoy], ['the controller', seen.controller]]) {
    if (!list.some((n) => n.type === SECRET && n.message === want)) failures.push(`${what}: ${who} logged no Secret NACK "${want}"`);
    for (const n of list.filter((x) => x.type !== SECRET || x.message !== want)) failures.push(`${what}: ${who} logged another NACK: ${n.type} rejected: ${n.message}`);
  }
  return { checked: 1, failures };
}

/** Envoy took the rendered command-line options ({ what, argv, serverInfo }): running, and the log levels as given. */
function argsAccepted(runs) {
  const failures = [];
  for (const r of runs) {
    if (r.exited !== undefined) { failures.push(`${r.what}: Envoy exited (${r.exited}) with the rendered args: ${r.logTail}`); continue; }
    const opt = (flag) => { const i = r.argv.indexOf(flag); return i < 0 ? undefined : r.argv[i + 1]; };
    const info = r.serverInfo?.command_line_options;
    if (!info) { failures.push(`${r.what}: no server_info from Envoy's admin`); continue; }
    if (opt('--component-log-level') !== undefined && info.component_log_level !== opt('--component-log-level')) {
      failures.push(`${r.what}: component_log_level ${info.component_log_level}, rendered ${opt('--component-log-level')}`);
    }
    if (opt('--concurrency') !== undefined && String(info.concurrency) !== opt('--concurrency')) failures.push(`${r.what}: concurrency ${info.concurrency}, rendered ${opt('--concurrency')}`);
  }
  return { checked: runs.length, failures };
}

module.exports = { promSum, servesCertificate, reachesBackend, handshakesCounted, nacks, noNack, expectedNack, argsAccepted, SECRET };
