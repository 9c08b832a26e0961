// The benchmark script run for real: the exact script from the synthesized ConfigMap, the pinned
// fortio against a local TLS server (fortio's own) on 127.0.0.1, and a fake Kubernetes API (pods,
// their logs) and fake Envoy stats on other loopback addresses, publishing Envoy's real metric
// names and log lines. Every load is bounded (-t) and stops by itself. Runs under npx projen
// test:tools (fortio is built from the Go module proxy); the script's functions one by one are
// test/benchmark/handshake-benchmark-script.test.ts.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Versions } from '../../src';
import { makeCert } from '../util';
import { UNRELATED, envoyLog, writeScripts } from './script-files';

jest.setTimeout(180_000);

/** The pinned fortio, installed on first use; a missing binary fails the test, never skips it. */
const FORTIO = process.env.ATLS_FORTIO ?? path.join(__dirname, '..', '..', '.cache', 'tools', 'fortio');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-bench-'));
const children: ChildProcess[] = [];
const servers: http.Server[] = [];
afterAll(async () => {
  for (const c of children) c.kill();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  fs.rmSync(tmp, { recursive: true, force: true });
});

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  servers.push(server);
  return new Promise((resolve, reject) => server.listen(port, host, resolve).on('error', reject));
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => net.connect(port, '127.0.0.1').on('connect', function (this: net.Socket) {
      this.destroy(); r(true);
    }).on('error', () => r(false)));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}


// Envoy's real naming: the provider's histograms live in the listener's scope, whose address the
// default tag extraction moves into a label (see src/key-providers/cryptomb.ts for the sources).
const listener = (address: string) => `{envoy_listener_address="${address}"}`;

/** Fake Envoy pods: one loopback address each, their counters rising at every scrape; their logs (null: 403). */
const PODS: Record<string, { ip: string; stats: (n: number) => string; log?: string | null }> = {
  'eg-software-cryptomb': { ip: '127.0.0.2', stats: (n) => `envoy_listener_ssl_handshake${listener('0.0.0.0_10443')} ${100 * n}\n` },
  'eg-cryptomb': {
    ip: '127.0.0.3',
    stats: (n) => [
      '# TYPE envoy_listener_cryptomb_rsa_queue_sizes histogram',
      `envoy_listener_cryptomb_rsa_queue_sizes_bucket{envoy_listener_address="0.0.0.0_10443",le="8"} ${40 * n}`,
      `envoy_listener_cryptomb_rsa_queue_sizes_count${listener('0.0.0.0_10443')} ${40 * n}`,
      `envoy_listener_cryptomb_rsa_queue_sizes_sum${listener('0.0.0.0_10443')} ${300 * n}`,
      // ECDSA P-256 signs are batched too, here on a second listener: both are counted.
      `envoy_listener_cryptomb_ecdsa_queue_sizes_count${listener('0.0.0.0_10444')} ${5 * n}`,
      `envoy_listener_ssl_handshake${listener('0.0.0.0_10443')} ${300 * n}`,
      `envoy_listener_ssl_handshake${listener('0.0.0.0_10444')} ${5 * n}`,
      '',
    ].join('\n'),
  },
  // The provider is configured (its stats exist) but takes nothing: Envoy fell back to BoringSSL.
  'eg-cryptomb-fallback': {
    ip: '127.0.0.4',
    stats: (n) => [
      `envoy_listener_cryptomb_rsa_queue_sizes_count${listener('[__]_10443')} 0`,
      `envoy_listener_cryptomb_ecdsa_queue_sizes_count${listener('[__]_10443')} 0`,
      `envoy_listener_ssl_handshake${listener('[__]_10443')} ${250 * n}`,
      '',
    ].join('\n'),
  },
  'eg-software': { ip: '127.0.0.5', stats: (n) => `envoy_listener_ssl_handshake ${100 * n}\n` },
  'eg-qat': {
    ip: '127.0.0.6',
    stats: (n) => `envoy_listener_ssl_handshake ${100 * n}\n`,
    log: [UNRELATED, envoyLog('info', 'qat_private_key_provider.cc:356', 'initialized QAT private key provider'), ''].join('\n'),
  },
  'eg-qat-fallback': {
    ip: '127.0.0.7',
    stats: (n) => `envoy_listener_ssl_handshake ${100 * n}\n`,
    log: [envoyLog('warning', 'qat.cc:21', 'Failed to start QAT device.'), UNRELATED, ''].join('\n'),
  },
  'eg-qat-nolog': { ip: '127.0.0.8', stats: (n) => `envoy_listener_ssl_handshake ${100 * n}\n`, log: null },
};

const apiCalls: string[] = [];
/** Client pods of the Job, for runs with several: name → its status and (once it exits) its stdout. */
const clientPods = new Map<string, { index: number; startedAt: string; phase: string; stdout: string }>();
let tlsPort = 0;
let apiPort = 0;
let statsPort = 0;
let base: any;

/** Runs the script once with the given config and environment; resolves when it exits. */
function runScript(config: any, name: string, env: Record<string, string> = {}) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const results = path.join(dir, 'results');
  const child = spawn('python3', [path.join(tmp, 'benchmark.py')], {
    env: {
      PATH: process.env.PATH,
      PYTHONDONTWRITEBYTECODE: '1',
      ATLS_CONFIG: path.join(dir, 'config.json'),
      ATLS_FORTIO: FORTIO,
      ATLS_RESULTS: results,
      ATLS_KUBE_API: `http://127.0.0.1:${apiPort}`,
      ATLS_KUBE_TOKEN: path.join(tmp, 'token'),
      ATLS_STATS_PORT: String(statsPort),
      ATLS_CGROUP: path.join(tmp, 'cgroup'),
      ...env,
    },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => stdout += d);
  child.stderr.on('data', (d) => stderr += d);
  return new Promise<{ status: number | null; stdout: string; stderr: string; results: string }>((r) => child.on('close', (status) => {
    r({ status, stdout, stderr, results });
  }));
}

/** The synthesized config pointed at the local server (a Service name resolves the same way). */
function configFor(targets: string[], clients: Partial<{ pods: number; cpu: number }> = {}) {
  return {
    ...base,
    duration: targets.length === base.targets.length ? base.duration : '1s',
    clients: { ...base.clients, ...clients },
    targets: base.targets.filter((t: any) => targets.includes(t.name)).map((t: any) => ({ ...t, host: 'localhost', port: tlsPort })),
  };
}

let run: Awaited<ReturnType<typeof runScript>>;

beforeAll(async () => {
  const installed = () => fs.existsSync(FORTIO) && execFileSync(FORTIO, ['version'], { encoding: 'utf8' }).trim() === Versions.FORTIO_VERSION.slice(1);
  if (!process.env.ATLS_FORTIO && !installed()) {
    // First run on a machine: install the pinned fortio from the Go module proxy (about 1.5 min cold).
    execFileSync('go', ['install', `fortio.org/fortio@${Versions.FORTIO_VERSION}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: path.dirname(FORTIO) }, stdio: 'inherit',
    });
  }
  if (!fs.existsSync(FORTIO)) {
    throw new Error(`fortio not found at ${FORTIO}: install it with CGO_ENABLED=0 GOBIN="$(pwd)/.cache/tools" go install fortio.org/fortio@${Versions.FORTIO_VERSION} (or set ATLS_FORTIO)`);
  }
  expect(execFileSync(FORTIO, ['version'], { encoding: 'utf8' }).trim()).toBe(Versions.FORTIO_VERSION.slice(1));
  // The ConfigMap's files, as the Job mounts them in /config: the script and its modules.
  const { files, config } = writeScripts(tmp);
  base = config;
  expect(files).toEqual(['benchmark.py', 'handshake_clients.py', 'handshake_evidence.py', 'handshake_health.py', 'handshake_kube.py']);
  fs.writeFileSync(path.join(tmp, 'token'), 'test-token\n');
  // The script's cgroup: the machine's real CPU usage counter (v2 or v1), but no quota files, so
  // the limit is the configured one and each test chooses it.
  fs.mkdirSync(path.join(tmp, 'cgroup', 'cpuacct'), { recursive: true });
  if (fs.existsSync('/sys/fs/cgroup/cpu.stat')) fs.symlinkSync('/sys/fs/cgroup/cpu.stat', path.join(tmp, 'cgroup', 'cpu.stat'));
  const v1 = ['/sys/fs/cgroup/cpuacct/cpuacct.usage', '/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage'].find((f) => fs.existsSync(f));
  if (v1) fs.symlinkSync(v1, path.join(tmp, 'cgroup', 'cpuacct', 'cpuacct.usage'));

  // fortio's own TLS echo server on 127.0.0.1 with a throw-away certificate for the SNI name.
  const cert = makeCert(['rsa:2048'], { cn: 'www.example.com' });
  fs.writeFileSync(path.join(tmp, 'tls.crt'), cert.certificatePem);
  fs.writeFileSync(path.join(tmp, 'tls.key'), cert.privateKeyPem);
  tlsPort = await freePort('127.0.0.1');
  const server = spawn(FORTIO, ['server', '-http-port', `127.0.0.1:${tlsPort}`, '-grpc-port', 'disabled', '-redirect-port', 'disabled',
    '-tcp-port', 'disabled', '-udp-port', 'disabled', '-ui-path', '', '-cert', path.join(tmp, 'tls.crt'), '-key', path.join(tmp, 'tls.key'),
    '-loglevel', 'Warning'], { stdio: 'ignore' });
  children.push(server);
  await waitForPort(tlsPort);

  // Fake Kubernetes API checking the bearer token: Envoy pods by label selector and their logs;
  // the Job's client pods and theirs.
  apiPort = await freePort('127.0.0.1');
  await listen(http.createServer((req, res) => {
    apiCalls.push(`${req.headers.authorization} ${req.url}`);
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, body: string, type = 'application/json') => {
      res.statusCode = status; res.setHeader('content-type', type); res.end(body);
    };
    if (req.headers.authorization !== 'Bearer test-token') return send(401, '{}');
    const selector = url.searchParams.get('labelSelector') ?? '';
    let m: RegExpExecArray | null;
    if (url.pathname === '/api/v1/namespaces/envoy-gateway-system/pods') {
      const name = /owning-gateway-name=([-a-z0-9]+)/.exec(selector)?.[1] ?? '';
      const items = PODS[name] ? [
        { metadata: { name: `envoy-${name}-0` }, status: { phase: 'Running', podIP: PODS[name].ip } },
        { metadata: { name: `envoy-${name}-1` }, status: { phase: 'Pending' } },
      ] : [];
      return send(200, JSON.stringify({ kind: 'PodList', items }));
    }
    if ((m = /^\/api\/v1\/namespaces\/envoy-gateway-system\/pods\/envoy-([-a-z0-9]+)-0\/log$/.exec(url.pathname))) {
      const pod = PODS[m[1]];
      if (url.searchParams.get('container') !== 'envoy' || pod?.log === undefined) return send(404, '{}');
      return pod.log === null ? send(403, '{"kind":"Status","code":403}') : send(200, pod.log, 'text/plain');
    }
    if (url.pathname === '/api/v1/namespaces/default/pods' && selector === 'batch.kubernetes.io/job-name=handshake-benchmark') {
      const items = [...clientPods].map(([name, p]) => ({
        metadata: { name, annotations: { 'batch.kubernetes.io/job-completion-index': String(p.index) } },
        status: {
          phase: p.phase,
          containerStatuses: [{ name: 'benchmark', state: p.phase === 'Running' ? { running: { startedAt: p.startedAt } } : { terminated: {} } }],
        },
      }));
      return send(200, JSON.stringify({ kind: 'PodList', items }));
    }
    if ((m = /^\/api\/v1\/namespaces\/default\/pods\/([-a-z0-9]+)\/log$/.exec(url.pathname)) && clientPods.has(m[1])) {
      return send(200, clientPods.get(m[1])!.stdout, 'text/plain');
    }
    return send(404, '{}');
  }), apiPort, '127.0.0.1');

  // Fake Envoy stats endpoints, the same port on each pod's address.
  statsPort = await freePort('127.0.0.2');
  for (const pod of Object.values(PODS)) {
    let scrapes = 0;
    await listen(http.createServer((req, res) => {
      res.statusCode = req.url === '/stats/prometheus' ? 200 : 404;
      res.end(pod.stats(++scrapes));
    }), statsPort, pod.ip);
  }

  // The main run: one client with a CPU limit it cannot reach.
  run = await runScript(configFor(base.targets.map((t: any) => t.name), { cpu: 10_000 }), 'main');
  if (process.env.ATLS_SHOW_TABLE) console.log(run.stdout);
}, 600_000);

/** A printed table, as rows of cells (columns are separated by two or more spaces). */
function table(stdout = run.stdout): Record<string, string>[] {
  const lines = stdout.split('\n').filter((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('target '));
  const header = lines[start].split(/\s{2,}/);
  return lines.slice(start + 1).filter((l) => !l.startsWith('client-bound:'))
    .map((l) => Object.fromEntries(l.split(/\s{2,}/).map((c, i) => [header[i], c])));
}
const rows = (stdout = run.stdout) => Object.fromEntries(table(stdout).map((r) => [r.target, r]));

test('the script exits 0 and prints the flags once, then one row per target in order', () => {
  if (run.status !== 0) throw new Error(`exit ${run.status}\n${run.stderr}\n${run.stdout}`);
  expect(run.stdout).toMatch(/^HANDSHAKE BENCHMARK \(c=2 qps=0 t=2s keepalive=false sni=www\.example\.com clients=1 cpu=10000\)$/m);
  expect(table().map((r) => [r.target, r.provider, r.clients])).toEqual([
    ['eg-software-cryptomb', 'software', '1'], ['eg-cryptomb', 'cryptomb', '1'], ['eg-cryptomb-fallback', 'cryptomb', '1'],
    ['eg-software', 'software', '1'], ['eg-qat', 'qat', '1'], ['eg-qat-fallback', 'qat', '1'], ['eg-qat-nolog', 'qat', '1'],
  ]);
});

test('every target got real load: non-zero qps, latencies, no errors, each fortio JSON kept', () => {
  for (const row of table()) {
    expect(Number(row.qps)).toBeGreaterThan(0);
    expect(Number(row['p50 ms'])).toBeGreaterThan(0);
    expect(Number(row['p99 ms'])).toBeGreaterThanOrEqual(Number(row['p50 ms']));
    expect(row.errors).toBe('0');
    const result = JSON.parse(fs.readFileSync(path.join(run.results, `${row.target}-client0.json`), 'utf8'));
    expect(Number(row.qps)).toBeCloseTo(result.ActualQPS, 1);
    expect(result.DisableKeepAlive).toBe(true);
    expect(result.NumThreads).toBe(2);
    expect(result.Resolve).toBe('127.0.0.1');
    expect(result.URL).toMatch(/^https:\/\/www\.example\.com:\d+\/$/);
  }
});

test('ratios are computed from the real numbers, against each target\'s own baseline', () => {
  const summary: any[] = JSON.parse(fs.readFileSync(path.join(run.results, 'summary.json'), 'utf8'));
  const qps = Object.fromEntries(summary.map((r) => [r.target, r.qps]));
  const r = rows();
  expect(r['eg-cryptomb'].ratio).toBe((qps['eg-cryptomb'] / qps['eg-software-cryptomb']).toFixed(2));
  expect(r['eg-cryptomb-fallback'].ratio).toBe((qps['eg-cryptomb-fallback'] / qps['eg-software-cryptomb']).toFixed(2));
  expect(r['eg-qat'].ratio).toBe((qps['eg-qat'] / qps['eg-software']).toFixed(2));
  expect(r['eg-software'].ratio).toBe('baseline');
  expect(r['eg-software-cryptomb'].ratio).toBe('baseline');
});

test('CryptoMB: "provider" from Envoy\'s real listener-scoped stat names, RSA and ECDSA batches counted', () => {
  const r = rows();
  expect(r['eg-cryptomb'].accelerated).toBe('provider (45 batches)');
  expect(r['eg-cryptomb'].handshakes).toBe('305');
  expect(r['eg-cryptomb-fallback'].accelerated).toBe('software (fallback: no cryptomb batches in 250 handshakes)');
  expect(r['eg-software'].accelerated).toBe('software (baseline)');
});

test('QAT: "provider" or "software (fallback: reason)" from the Envoy pods\' logs; "unknown" only when unreadable', () => {
  const r = rows();
  expect(r['eg-qat'].accelerated).toBe('provider (started on 1 of 1 pods)');
  expect(r['eg-qat-fallback'].accelerated)
    .toBe('software (fallback: QAT device not started: no VF in the pod, /dev/vfio not usable by Envoy\'s user, or memlock too low)');
  expect(r['eg-qat-nolog'].accelerated).toBe('unknown (logs of envoy-eg-qat-nolog-0 unreadable: HTTP Error 403: Forbidden)');
});

test('the client\'s own CPU use is measured from its cgroup and shown; far below the limit, nothing is flagged', () => {
  for (const row of table()) expect(row['client cpu']).toMatch(/^\d+%$/);
  expect(run.stdout).not.toContain('client-bound');
  expect(run.stdout).not.toContain('untrustworthy');
});

test('a client above 90% of its CPU limit is "client-bound" and the ratios involving it untrustworthy', async () => {
  // A limit of a ten-thousandth of a core: fortio's own CPU time over the load exceeds it.
  const bound = await runScript(configFor(['eg-software', 'eg-qat'], { cpu: 0.0001 }), 'bound');
  if (bound.status !== 0) throw new Error(`exit ${bound.status}\n${bound.stderr}\n${bound.stdout}`);
  const r = rows(bound.stdout);
  expect(r['eg-software']['client cpu']).toMatch(/^\d+% client-bound$/);
  expect(r['eg-qat']['client cpu']).toMatch(/^\d+% client-bound$/);
  expect(r['eg-qat'].ratio).toMatch(/^\d+\.\d\d \(untrustworthy\)$/);
  expect(bound.stdout).toMatch(/^client-bound: a client used more than 90% of its CPU limit/m);
});

test('several client pods agree on a start time through the API, and the first sums their results', async () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const config = configFor(['eg-software-cryptomb', 'eg-cryptomb'], { pods: 2, cpu: 10_000 });
  const env = { ATLS_START_MARGIN: '1', ATLS_SLOT_MARGIN: '4' };
  const runs = [0, 1].map((index) => {
    const name = `handshake-benchmark-${index}-x${index}`;
    clientPods.set(name, { index, startedAt: now, phase: 'Running', stdout: '' });
    return runScript(config, `parallel-${index}`, { ...env, JOB_COMPLETION_INDEX: String(index) }).then((out) => {
      Object.assign(clientPods.get(name)!, { phase: out.status === 0 ? 'Succeeded' : 'Failed', stdout: out.stdout });
      return out;
    });
  });
  const [leader, other] = await Promise.all(runs);
  if (leader.status !== 0) throw new Error(`exit ${leader.status}\n${leader.stderr}\n${leader.stdout}`);
  expect(other.status).toBe(0);
  // The other client prints only its results; the first prints the table, summing both.
  expect(other.stdout).not.toContain('HANDSHAKE BENCHMARK');
  expect(leader.stdout).toMatch(/clients=2 /);
  const r = rows(leader.stdout);
  for (const target of ['eg-software-cryptomb', 'eg-cryptomb']) {
    const qps = [leader, other].map((o, i) => JSON.parse(fs.readFileSync(path.join(o.results, `${target}-client${i}.json`), 'utf8')).ActualQPS);
    expect(r[target].clients).toBe('2');
    expect(Number(r[target].qps)).toBeCloseTo(qps[0] + qps[1], 0);
  }
  // Evidence is read once, by the first client, around both clients' loads.
  expect(r['eg-cryptomb'].accelerated).toMatch(/^provider \(\d+ batches\)$/);
  expect(apiCalls.filter((c) => c.includes('/pods/handshake-benchmark-1-x1/log'))).toHaveLength(1);
  expect(apiCalls.some((c) => c.includes('/pods/handshake-benchmark-0-x0/log'))).toBe(false);
});

test('a client pod that failed fails the first one, which never reports a partial sum', async () => {
  clientPods.clear();
  clientPods.set('handshake-benchmark-0-y0', { index: 0, startedAt: '2026-11-30T10:00:00Z', phase: 'Running', stdout: '' });
  clientPods.set('handshake-benchmark-1-y1', { index: 1, startedAt: '2026-11-30T10:00:00Z', phase: 'Failed', stdout: '' });
  const env = { ATLS_KUBE_API: `http://127.0.0.1:${apiPort}`, ATLS_KUBE_TOKEN: path.join(tmp, 'token'), JOB_COMPLETION_INDEX: '0' };
  const clients = { pods: 2, namespace: 'default', job: 'handshake-benchmark' };
  // In a child process that runs while this one serves the fake API.
  const peers = (): Promise<{ status: number | null; out: string }> => new Promise((resolve) => {
    const code = 'import json, sys, handshake_clients\nprint(json.dumps(handshake_clients.peer_results(json.loads(sys.argv[1]))))';
    const child = spawn('python3', ['-c', code, JSON.stringify(clients)], { env: { ...process.env, PYTHONPATH: tmp, PYTHONDONTWRITEBYTECODE: '1', ...env } });
    let out = '';
    child.stdout.on('data', (d) => out += d);
    child.stderr.on('data', (d) => out += d);
    child.on('close', (status) => resolve({ status, out }));
  });
  const failed = await peers();
  expect(failed.status).not.toBe(0);
  expect(failed.out).toMatch(/RuntimeError: 0 of 1 other client pods succeeded/);
  // Positive control: the same call once the other client succeeded reads its results from its log.
  Object.assign(clientPods.get('handshake-benchmark-1-y1')!, { phase: 'Succeeded', stdout: 'ATLS-RESULT {"target": "t", "qps": 1}\nnoise\n' });
  const ok = await peers();
  expect(ok.status).toBe(0);
  expect(JSON.parse(ok.out)).toEqual([{ target: 't', qps: 1 }]);
});

test('pods and logs are read through the API with the ServiceAccount token, logs only for QAT', () => {
  // The main run lists each target's pods before and after its load: the third call is eg-cryptomb's first.
  expect(apiCalls[2]).toBe('Bearer test-token /api/v1/namespaces/envoy-gateway-system/pods?labelSelector='
    + encodeURIComponent('gateway.envoyproxy.io/owning-gateway-name=eg-cryptomb,gateway.envoyproxy.io/owning-gateway-namespace=default'));
  const logs = apiCalls.filter((c) => c.includes('/log?'));
  expect(logs.filter((c) => c.includes('envoy-gateway-system'))).toEqual(expect.arrayContaining([
    'Bearer test-token /api/v1/namespaces/envoy-gateway-system/pods/envoy-eg-qat-0/log?container=envoy',
  ]));
  expect(logs.some((c) => /envoy-eg-(cryptomb|software)/.test(c))).toBe(false);
});

test('every target ran with identical fortio flags', () => {
  const flags = run.stderr.split('\n').filter((l) => l.startsWith('== ')).map((l) => l.replace(/^== [^:]+: /, '')
    .replace(/-labels \S+/, '').replace(/-json \S+/, ''));
  expect(flags).toHaveLength(7);
  expect(new Set(flags).size).toBe(1);
  expect(flags[0]).toMatch(/ load -c 2 -qps 0 -t 2s -keepalive=false -k -r 0\.0001 -resolve 127\.0\.0\.1 +-loglevel Warning https:\/\/www\.example\.com:\d+\/$/);
});
