// The benchmark script run for real: the exact script from the synthesized ConfigMap, the pinned
// fortio against a local TLS server (fortio's own) on 127.0.0.1, and a fake Kubernetes API and
// fake Envoy stats on other loopback addresses. Every load is bounded (-t) and stops by itself.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Duration } from 'cdk8s';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, HandshakeBenchmark, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate, Versions,
} from '../src';
import { find, makeCert, newChart, synthApp } from './util';

jest.setTimeout(120_000);

/** The pinned fortio, installed on first use; a missing binary fails the test, never skips it. */
const FORTIO = process.env.ATLS_FORTIO ?? path.join(__dirname, '..', '.cache', 'tools', 'fortio');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-bench-'));
const children: ChildProcess[] = [];
const servers: http.Server[] = [];
afterAll(async () => {
  for (const c of children) c.kill();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The synthesized ConfigMap of a benchmark over five gateways, each case of the verdict. */
function synthesized(): { script: string; config: any } {
  const { app, chart } = newChart();
  new CryptoMbAffinity(chart, 'avx512');
  const certificate = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
  const gw = (name: string, provider: KeyProvider) => new AcceleratedTlsGateway(chart, name, {
    name, provider, listeners: [{ hostname: 'www.example.com', certificate, backend: { serviceName: 'backend', port: 3000 } }],
  });
  const targets = [
    gw('eg-software-cryptomb', KeyProvider.software({ placement: NodePlacement.REQUIRED })),
    gw('eg-cryptomb', KeyProvider.cryptoMb()),
    gw('eg-cryptomb-fallback', KeyProvider.cryptoMb()),
    gw('eg-software', KeyProvider.software({ onQatNodes: true })),
    gw('eg-qat', KeyProvider.qat()),
  ];
  new HandshakeBenchmark(new Chart(app, 'benchmark'), 'bench', { targets, concurrency: 2, duration: Duration.seconds(2) });
  const cm = find(synthApp(app), 'ConfigMap', 'handshake-benchmark');
  // The ConfigMap carries the shipped file byte for byte, so running this copy runs that file.
  expect(cm.data['benchmark.py']).toBe(fs.readFileSync(path.join(__dirname, '..', 'assets', 'handshake-benchmark.py'), 'utf8'));
  return { script: cm.data['benchmark.py'], config: JSON.parse(cm.data['config.json']) };
}

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

/** Fake Envoy pods: one loopback address each, their counters rising at every scrape. */
const PODS: Record<string, { ip: string; stats: (n: number) => string }> = {
  'eg-software-cryptomb': { ip: '127.0.0.2', stats: (n) => `envoy_listener_ssl_handshake{envoy_listener_address="0.0.0.0_10443"} ${100 * n}\n` },
  'eg-cryptomb': {
    ip: '127.0.0.3',
    stats: (n) => [
      '# TYPE envoy_cryptomb_rsa_queue_sizes histogram',
      `envoy_cryptomb_rsa_queue_sizes_bucket{le="8"} ${40 * n}`,
      `envoy_cryptomb_rsa_queue_sizes_count ${40 * n}`,
      'envoy_cryptomb_ecdsa_queue_sizes_count 0',
      `envoy_listener_ssl_handshake{envoy_listener_address="0.0.0.0_10443"} ${300 * n}`,
      `envoy_listener_ssl_handshake{envoy_listener_address="0.0.0.0_10444"} ${5 * n}`,
      '',
    ].join('\n'),
  },
  // The provider is configured (its stats exist) but takes nothing: Envoy fell back to BoringSSL.
  'eg-cryptomb-fallback': {
    ip: '127.0.0.4',
    stats: (n) => `envoy_cryptomb_rsa_queue_sizes_count 0\nenvoy_cryptomb_ecdsa_queue_sizes_count 0\nenvoy_listener_ssl_handshake ${250 * n}\n`,
  },
  'eg-software': { ip: '127.0.0.5', stats: (n) => `envoy_listener_ssl_handshake ${100 * n}\n` },
  'eg-qat': { ip: '127.0.0.6', stats: (n) => `envoy_listener_ssl_handshake ${100 * n}\n` },
};

let run: { status: number | null; stdout: string; stderr: string; results: string; apiCalls: string[] };

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
  const { script, config } = synthesized();
  fs.writeFileSync(path.join(tmp, 'benchmark.py'), script);

  // fortio's own TLS echo server on 127.0.0.1 with a throw-away certificate for the SNI name.
  const cert = makeCert(['rsa:2048'], { cn: 'www.example.com' });
  fs.writeFileSync(path.join(tmp, 'tls.crt'), cert.certificatePem);
  fs.writeFileSync(path.join(tmp, 'tls.key'), cert.privateKeyPem);
  const tlsPort = await freePort('127.0.0.1');
  const server = spawn(FORTIO, ['server', '-http-port', `127.0.0.1:${tlsPort}`, '-grpc-port', 'disabled', '-redirect-port', 'disabled',
    '-tcp-port', 'disabled', '-udp-port', 'disabled', '-ui-path', '', '-cert', path.join(tmp, 'tls.crt'), '-key', path.join(tmp, 'tls.key'),
    '-loglevel', 'Warning'], { stdio: 'ignore' });
  children.push(server);
  await waitForPort(tlsPort);

  // Fake Kubernetes API: pods by label selector, checking the bearer token.
  const apiCalls: string[] = [];
  fs.writeFileSync(path.join(tmp, 'token'), 'test-token\n');
  const apiPort = await freePort('127.0.0.1');
  await listen(http.createServer((req, res) => {
    apiCalls.push(`${req.headers.authorization} ${req.url}`);
    const url = new URL(req.url!, 'http://x');
    const selector = url.searchParams.get('labelSelector') ?? '';
    const name = /owning-gateway-name=([-a-z0-9]+)/.exec(selector)?.[1] ?? '';
    const pod = req.headers.authorization === 'Bearer test-token' && url.pathname === '/api/v1/namespaces/envoy-gateway-system/pods' ? PODS[name] : undefined;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ kind: 'PodList', items: pod ? [{ status: { phase: 'Running', podIP: pod.ip } }, { status: { phase: 'Pending' } }] : [] }));
  }), apiPort, '127.0.0.1');

  // Fake Envoy stats endpoints, the same port on each pod's address.
  const statsPort = await freePort('127.0.0.2');
  for (const pod of Object.values(PODS)) {
    let scrapes = 0;
    await listen(http.createServer((req, res) => {
      res.statusCode = req.url === '/stats/prometheus' ? 200 : 404;
      res.end(pod.stats(++scrapes));
    }), statsPort, pod.ip);
  }

  // The synthesized config, pointed at the local server (a Service name resolves the same way).
  for (const t of config.targets) {
    t.host = 'localhost';
    t.port = tlsPort;
  }
  fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(config));
  const results = path.join(tmp, 'results');
  const child = spawn('python3', [path.join(tmp, 'benchmark.py')], {
    env: {
      PATH: process.env.PATH,
      ATLS_CONFIG: path.join(tmp, 'config.json'),
      ATLS_FORTIO: FORTIO,
      ATLS_RESULTS: results,
      ATLS_KUBE_API: `http://127.0.0.1:${apiPort}`,
      ATLS_KUBE_TOKEN: path.join(tmp, 'token'),
      ATLS_STATS_PORT: String(statsPort),
    },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => stdout += d);
  child.stderr.on('data', (d) => stderr += d);
  const status = await new Promise<number | null>((r) => child.on('close', r));
  run = { status, stdout, stderr, results, apiCalls };
  if (process.env.ATLS_SHOW_TABLE) console.log(stdout);
}, 600_000);

/** The printed table, as rows of cells (columns are separated by two or more spaces). */
function table(): Record<string, string>[] {
  const lines = run.stdout.split('\n').filter((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('target '));
  const header = lines[start].split(/\s{2,}/);
  return lines.slice(start + 1).map((l) => Object.fromEntries(l.split(/\s{2,}/).map((c, i) => [header[i], c])));
}

test('the script exits 0 and prints the flags once, then one row per target in order', () => {
  if (run.status !== 0) throw new Error(`exit ${run.status}\n${run.stderr}\n${run.stdout}`);
  expect(run.stdout).toMatch(/^HANDSHAKE BENCHMARK \(c=2 qps=0 t=2s keepalive=false sni=www\.example\.com\)$/m);
  expect(table().map((r) => [r.target, r.provider])).toEqual([
    ['eg-software-cryptomb', 'software'], ['eg-cryptomb', 'cryptomb'], ['eg-cryptomb-fallback', 'cryptomb'],
    ['eg-software', 'software'], ['eg-qat', 'qat'],
  ]);
});

test('every target got real load: non-zero qps, latencies, no errors, each fortio JSON kept', () => {
  for (const row of table()) {
    expect(Number(row.qps)).toBeGreaterThan(0);
    expect(Number(row['p50 ms'])).toBeGreaterThan(0);
    expect(Number(row['p99 ms'])).toBeGreaterThanOrEqual(Number(row['p50 ms']));
    expect(row.errors).toBe('0');
    const result = JSON.parse(fs.readFileSync(path.join(run.results, `${row.target}.json`), 'utf8'));
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
  const rows = Object.fromEntries(table().map((r) => [r.target, r]));
  expect(rows['eg-cryptomb'].ratio).toBe((qps['eg-cryptomb'] / qps['eg-software-cryptomb']).toFixed(2));
  expect(rows['eg-cryptomb-fallback'].ratio).toBe((qps['eg-cryptomb-fallback'] / qps['eg-software-cryptomb']).toFixed(2));
  expect(rows['eg-qat'].ratio).toBe((qps['eg-qat'] / qps['eg-software']).toFixed(2));
  expect(rows['eg-software'].ratio).toBe('baseline');
  expect(rows['eg-software-cryptomb'].ratio).toBe('baseline');
});

test('"accelerated" comes from the Envoy stats read before and after each load, never a guess', () => {
  const rows = Object.fromEntries(table().map((r) => [r.target, r]));
  expect(rows['eg-cryptomb'].accelerated).toBe('provider (40 batches)');
  expect(rows['eg-cryptomb'].handshakes).toBe('305');
  expect(rows['eg-cryptomb-fallback'].accelerated).toBe('software (fallback)');
  expect(rows['eg-qat'].accelerated).toBe('unknown (qat publishes no stats)');
  expect(rows['eg-software'].accelerated).toBe('software (baseline)');
});

test('pods are found through the API with the ServiceAccount token and the owning-gateway labels', () => {
  expect(run.apiCalls).toHaveLength(10);
  expect(run.apiCalls[2]).toBe('Bearer test-token /api/v1/namespaces/envoy-gateway-system/pods?labelSelector='
    + encodeURIComponent('gateway.envoyproxy.io/owning-gateway-name=eg-cryptomb,gateway.envoyproxy.io/owning-gateway-namespace=default'));
});

test('every target ran with identical fortio flags', () => {
  const flags = run.stderr.split('\n').filter((l) => l.startsWith('== ')).map((l) => l.replace(/^== [^:]+: /, '')
    .replace(/-labels \S+/, '').replace(/-json \S+/, ''));
  expect(flags).toHaveLength(5);
  expect(new Set(flags).size).toBe(1);
  expect(flags[0]).toMatch(/ load -c 2 -qps 0 -t 2s -keepalive=false -k -r 0\.0001 -resolve 127\.0\.0\.1 +-loglevel Warning https:\/\/www\.example\.com:\d+\/$/);
});

test('verdict edge cases: unreadable stats, no handshakes and non-RSA keys stay "unknown"', () => {
  const cases = [
    [{ provider: 'cryptomb', keyType: 'RSA' }, null, {}, 'unknown (Envoy stats unreadable)'],
    [{ provider: 'cryptomb', keyType: 'RSA' }, {}, { envoy_listener_ssl_handshake: 9 }, 'unknown (no cryptomb stats published)'],
    [{ provider: 'cryptomb', keyType: 'RSA' }, {}, { envoy_cryptomb_rsa_queue_sizes_count: 0 }, 'unknown (no handshakes counted)'],
    [{ provider: 'cryptomb', keyType: 'ECDSA' }, {}, { envoy_cryptomb_ecdsa_queue_sizes_count: 0, envoy_listener_ssl_handshake: 9 },
      'unknown (ECDSA key: not always queued)'],
    [{ provider: 'cryptomb', keyType: null }, {}, { envoy_cryptomb_rsa_queue_sizes_count: 0, envoy_listener_ssl_handshake: 9 },
      'unknown (undeclared key: not always queued)'],
    [{ provider: 'cryptomb', keyType: 'ECDSA' }, {}, { envoy_cryptomb_ecdsa_queue_sizes_count: 3 }, 'provider (3 batches)'],
  ];
  const code = [
    'import importlib.util, json, sys',
    `spec = importlib.util.spec_from_file_location("b", ${JSON.stringify(path.join(tmp, 'benchmark.py'))})`,
    'b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b)',
    'print(json.dumps([b.verdict(t, before, after) for t, before, after, _ in json.loads(sys.argv[1])]))',
  ].join('\n');
  const out = JSON.parse(execFileSync('python3', ['-c', code, JSON.stringify(cases)], { encoding: 'utf8' }));
  expect(out).toEqual(cases.map((c) => c[3]));
});

test('Prometheus text is summed per metric across series, comments and labels with spaces ignored', () => {
  const code = [
    'import importlib.util, json',
    `spec = importlib.util.spec_from_file_location("b", ${JSON.stringify(path.join(tmp, 'benchmark.py'))})`,
    'b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b)',
    'print(json.dumps(b.parse_prometheus("# TYPE x counter\\nx{a=\\"b c\\"} 2\\nx{a=\\"d\\"} 3.5\\ny 1e3\\nbad line NaNx\\n")))',
  ].join('\n');
  expect(JSON.parse(execFileSync('python3', ['-c', code], { encoding: 'utf8' }))).toEqual({ x: 5.5, y: 1000 });
});
