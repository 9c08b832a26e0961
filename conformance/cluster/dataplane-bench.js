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
const MINIMAL_LOG_IP = '10.244.254.3';
const ROUNDS = Number(process.env.ATLS_CLUSTER_BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.ATLS_CLUSTER_BENCH_SECONDS ?? 10);
const FORTIO_FLAGS = ['-c', '8', '-qps', '0', '-keepalive=false'];
const ENVOY_CORE = '0';
const CLIENT_CORE = '1';

/** A TLS listener with the certificate's files, a TCP proxy to one backend: nothing else. */
function minimalConfig(backend, accessLog) { // accessLog: TcpProxy access_log entries, verbatim
  const [address, port] = [backend.slice(0, backend.lastIndexOf(':')), Number(backend.slice(backend.lastIndexOf(':') + 1))];
  const tcpProxy = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', 'stat_prefix': 'tls', 'cluster': 'backend',
    ...(accessLog ? { access_log: accessLog } : {}),
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
  const secret = l.gateway.spec.listeners[0].tls.certificateRefs[0];
  const s = cp.getJson(['secret', secret.name, '-n', secret.namespace ?? l.gateway.metadata.namespace]);
  const certDir = path.join(dir, 'certs');
  fs.mkdirSync(certDir, { recursive: true });
  for (const k of ['tls.crt', 'tls.key']) fs.writeFileSync(path.join(certDir, k), Buffer.from(s.data[k], 'base64'), { mode: 0o644 });
  // The access log the rendered TLS listener writes (one JSON line per connection), from its config dump.
  const dump = JSON.parse(execFileSync('ip', ['netns', 'exec', ours.netns, 'curl', '-s', '--max-time', '10',
    'http://127.0.0.1:19000/config_dump?resource=dynamic_listeners'], { encoding: 'utf8' }));
  const rendered = dump.configs.map((c) => c.active_state?.listener).find((x) => x?.address?.socket_address?.port_value === 10443);
  const accessLog = rendered?.filter_chains?.[0]?.filters?.find((f) => f.name === 'envoy.filters.network.tcp_proxy')?.typed_config?.access_log;
  const variants = [['minimal', MINIMAL_IP, undefined], ...(accessLog ? [['minimal + access log', MINIMAL_LOG_IP, accessLog]] : [])];
  const procs = variants.map(([name, ip, log], i) => {
    const vdir = path.join(dir, `v${i}`);
    const vcfg = path.join(vdir, 'config');
    fs.mkdirSync(vcfg, { recursive: true });
    fs.writeFileSync(path.join(vcfg, 'envoy.json'), JSON.stringify(minimalConfig(l.endpoints[0], log)));
    const plan = { ...ours.plan, argv: ['envoy', '-c', '/config/envoy.json', '--concurrency', '1', '--log-level', 'warn'],
      mounts: [{ src: vcfg, dst: '/config', ro: true }, { src: certDir, dst: '/certs', ro: true }] };
    const netns = net.addPod(`envoy-minimal-${i}`, ip);
    return startContainer(cp, plan, { netns, dir: vdir, logName: `envoy-minimal-${i}`, hosts: hostsFile({ metadata: { name: `envoy-minimal-${i}` }, status: {} }),
      tools: { envoy: path.join(bin, 'envoy') }, prefix: ['taskset', '-c', ENVOY_CORE] });
  });
  try {
    for (const [name, ip] of variants) await waitFor(`the ${name} Envoy to serve`, async () => !(await probe(ip, 10443, l.hostname, '/')).error, 30000, 300);
    pinGroup(ours.proc.pid, ENVOY_CORE);
    const fortio = path.join(bin, 'fortio');
    const sides = Object.fromEntries([['rendered by Envoy Gateway'], ...variants].map(([name]) => [name, []]));
    for (let i = 0; i < ROUNDS; i++) {
      for (const [side, ip] of [['rendered by Envoy Gateway', ours.ip], ...variants]) {
        const r = await load(fortio, ip, l.hostname, path.join(dir, `${side.replace(/\W+/g, '-')}-${i}.json`));
        if (r.ok !== r.calls) throw new Error(`${side} round ${i}: ${r.calls - r.ok} of ${r.calls} calls failed`);
        sides[side].push(r.qps);
      }
    }
    const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
    const fmt = (a) => a.map((q) => q.toFixed(1)).join(' / ');
    const ours_ = mean(sides['rendered by Envoy Gateway']);
    return [
      `data-plane cost (${ours.name}, Envoy on core ${ENVOY_CORE}, fortio ${FORTIO_FLAGS.join(' ')} -t ${SECONDS}s on core ${CLIENT_CORE}, ${ROUNDS} rounds alternating):`,
      '  | config | handshakes/s per round | mean | rendered/this |', '  |---|---|---|---|',
      ...Object.entries(sides).map(([name, q]) => `  | ${name} | ${fmt(q)} | ${mean(q).toFixed(1)} | ${(ours_ / mean(q)).toFixed(3)} |`),
      accessLog ? '  (minimal + access log: the minimal config with the rendered listener\'s access_log, verbatim)' : '  (the rendered listener has no access log)',
    ];
  } finally {
    await cp.stopProcesses(procs);
    pinGroup(ours.proc.pid, `0-${os.cpus().length - 1}`);
  }
}

module.exports = { dataPlaneCost, minimalConfig };
