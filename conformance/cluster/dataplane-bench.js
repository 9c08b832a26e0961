// Data-plane cost (ATLS_CLUSTER_BENCH=1 npx projen cluster; a measurement, never a test): TLS
// handshakes per second through the config Envoy Gateway renders for a software gateway against the
// same Envoy binary with a minimal hand-written TLS-terminating config (same certificate, same
// backend), each Envoy on one core, fortio on the other, the two sides alternating in one run.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startContainer, hostsFile } = require('./kubelet');
const { waitFor } = require('./control-plane');
const { probe } = require('./dataplane');

const MINIMAL_IP = '10.244.254.2';
const ROUNDS = Number(process.env.ATLS_CLUSTER_BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.ATLS_CLUSTER_BENCH_SECONDS ?? 10);
const FORTIO_FLAGS = ['-c', '8', '-qps', '0', '-keepalive=false'];
const ENVOY_CORE = '0';
const CLIENT_CORE = '1';

/** A TLS listener with the certificate's files, a TCP proxy to one backend: nothing else. */
function minimalConfig(backend, accessLog) {
  const [address, port] = [backend.slice(0, backend.lastIndexOf(':')), Number(backend.slice(backend.lastIndexOf(':') + 1))];
  const tcpProxy = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', 'stat_prefix': 'tls', 'cluster': 'backend',
    ...(accessLog ? { access_log: [{ name: 'envoy.access_loggers.file', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog', 'path': '/dev/stdout', 'log_format': { json_format: accessLog } } }] } : {}),
  };
  return {
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 19000 } } },
    static_resources: {
      listeners: [{
        name: 'tls', address: { socket_address: { address: '0.0.0.0', port_value: 10443 } },
        filter_chains: [{
          transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
            common_tls_context: { tls_certificates: [{ certificate_chain: { filename: '/certs/tls.crt' }, private_key: { filename: '/certs/tls.key' } }] },
          } },
          filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: tcpProxy }],
        }],
      }],
      clusters: [{ name: 'backend', type: 'STATIC', connect_timeout: '5s',
        load_assignment: { cluster_name: 'backend', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: port } } } }] }] } }],
    },
  };
}

/** Every process of the process group `pgid` (an Envoy container and what it exec'd), pinned to `core`. */
function pinGroup(pgid, core) {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let stat;
    try { stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { continue; }
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) execFileSync('taskset', ['-a', '-p', '-c', core, pid], { stdio: 'ignore' });
  }
}

/** One fortio load on the client core: handshakes/s (all calls must be 200). */
function load(fortio, ip, hostname, out) {
  return new Promise((resolve, reject) => {
    const p = spawn('taskset', ['-c', CLIENT_CORE, fortio, 'load', ...FORTIO_FLAGS, '-t', `${SECONDS}s`, '-k', '-resolve', ip,
      '-json', out, '-loglevel', 'Error', `https://${hostname}:10443/`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`fortio exited ${code}: ${err.slice(-400)}`));
      const r = JSON.parse(fs.readFileSync(out, 'utf8'));
      resolve({ qps: r.ActualQPS, ok: r.RetCodes?.['200'] ?? 0, calls: r.DurationHistogram.Count });
    });
  });
}

/** Runs the measurement against the first software Envoy with one TLS listener; returns the report lines. */
async function dataPlaneCost(cp, net, envoys, { bin, work }) {
  const ours = envoys.find((e) => !e.kind && e.listeners.length === 1 && e.listeners[0].port === 10443);
  if (!ours) return ['data-plane cost: no software Envoy with one listener on 10443'];
  const l = ours.listeners[0];
  const dir = path.join(work, 'envoy-minimal');
  const cfgDir = path.join(dir, 'config');
  fs.mkdirSync(cfgDir, { recursive: true });
  fs.writeFileSync(path.join(cfgDir, 'envoy.json'), JSON.stringify(minimalConfig(l.endpoints[0])));
  const secret = l.gateway.spec.listeners[0].tls.certificateRefs[0];
  const s = cp.getJson(['secret', secret.name, '-n', secret.namespace ?? l.gateway.metadata.namespace]);
  const certDir = path.join(dir, 'certs');
  fs.mkdirSync(certDir, { recursive: true });
  for (const k of ['tls.crt', 'tls.key']) fs.writeFileSync(path.join(certDir, k), Buffer.from(s.data[k], 'base64'), { mode: 0o644 });
  const netns = net.addPod('envoy-minimal', MINIMAL_IP);
  const plan = { ...ours.plan, argv: ['envoy', '-c', '/config/envoy.json', '--concurrency', '1', '--log-level', 'warn'],
    mounts: [{ src: cfgDir, dst: '/config', ro: true }, { src: certDir, dst: '/certs', ro: true }] };
  const minimal = startContainer(cp, plan, { netns, dir, logName: 'envoy-minimal', hosts: hostsFile({ metadata: { name: 'envoy-minimal' }, status: {} }),
    tools: { envoy: path.join(bin, 'envoy') }, prefix: ['taskset', '-c', ENVOY_CORE] });
  try {
    await waitFor('the minimal Envoy to serve', async () => !(await probe(MINIMAL_IP, 10443, l.hostname, '/')).error, 30000, 300);
    pinGroup(ours.proc.pid, ENVOY_CORE);
    const fortio = path.join(bin, 'fortio');
    const sides = { ours: [], minimal: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [side, ip] of [['ours', ours.ip], ['minimal', MINIMAL_IP]]) {
        const r = await load(fortio, ip, l.hostname, path.join(dir, `${side}-${i}.json`));
        if (r.ok !== r.calls) throw new Error(`${side} round ${i}: ${r.calls - r.ok} of ${r.calls} calls failed`);
        sides[side].push(r.qps);
      }
    }
    const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
    const fmt = (a) => a.map((q) => q.toFixed(1)).join(' / ');
    return [
      `data-plane cost (${ours.name}, Envoy on core ${ENVOY_CORE}, fortio ${FORTIO_FLAGS.join(' ')} -t ${SECONDS}s on core ${CLIENT_CORE}, ${ROUNDS} rounds alternating):`,
      `  | config | handshakes/s per round | mean |`, '  |---|---|---|',
      `  | rendered by Envoy Gateway | ${fmt(sides.ours)} | ${mean(sides.ours).toFixed(1)} |`,
      `  | minimal (TLS + TCP proxy) | ${fmt(sides.minimal)} | ${mean(sides.minimal).toFixed(1)} |`,
      `  ours/minimal = ${(mean(sides.ours) / mean(sides.minimal)).toFixed(3)}`,
    ];
  } finally {
    await cp.stopProcesses([minimal]);
    pinGroup(ours.proc.pid, `0-${os.cpus().length - 1}`);
  }
}

module.exports = { dataPlaneCost, minimalConfig };
