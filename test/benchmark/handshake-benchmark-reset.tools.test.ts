// The benchmark script against targets that serve nothing: the exact synthesized script and the
// pinned fortio against a fake target resetting every connection after its ClientHello (what
// Envoy does when it rejected the listener's Secret), with fake Envoy stats saying so or not.
// Every such target gets its row, its errors and a verdict; the run still exits 0. Runs under
// npx projen test:tools (fortio is built from the Go module proxy).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Duration } from 'cdk8s';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, HandshakeBenchmark, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate,
} from '../../src';
import { find, makeCert, newChart, synthApp } from '../util';
import {
  closeFakes, fakeKubeApi, fakeStats, freePort, rejectedSecretStats, resettingTarget, runScript, ScriptRun, tlsTarget, writeConfigMap,
} from './fakes';
import { pinnedFortio } from './fortio';

jest.setTimeout(180_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-bench-reset-'));
afterAll(async () => {
  await closeFakes();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The synthesized benchmark: each accelerated gateway with its baseline, and one more QAT gateway. */
function synthesized(): { data: Record<string, string> } {
  const { app, chart } = newChart();
  new CryptoMbAffinity(chart, 'avx512');
  const certificate = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
  const gw = (name: string, provider: KeyProvider) => new AcceleratedTlsGateway(chart, name, {
    name, provider, listeners: [{ hostname: 'www.example.com', certificate, backend: { serviceName: 'backend', port: 3000 } }],
  });
  const targets = [
    gw('eg-software', KeyProvider.software({ onQatNodes: true })),
    gw('eg-qat', KeyProvider.qat()),
    gw('eg-software-cryptomb', KeyProvider.software({ placement: NodePlacement.REQUIRED })),
    gw('eg-cryptomb', KeyProvider.cryptoMb()),
    gw('eg-qat-reset', KeyProvider.qat()),
    gw('eg-qat-down', KeyProvider.qat()),
  ];
  new HandshakeBenchmark(new Chart(app, 'benchmark'), 'bench', { targets, concurrency: 2, duration: Duration.seconds(1) });
  return { data: find(synthApp(app), 'ConfigMap', 'handshake-benchmark').data };
}

let run: ScriptRun;
let config: any;
let resets: () => number;

beforeAll(async () => {
  const fortio = pinnedFortio();
  const { 'config.json': json, ...files } = synthesized().data;
  config = JSON.parse(json);
  writeConfigMap(tmp, files);
  const healthy = await tlsTarget(makeCert(['rsa:2048'], { cn: 'www.example.com' }));
  const reset = await resettingTarget();
  resets = reset.resets;
  const closed = await freePort('127.0.0.1'); // nothing listens there
  const port: Record<string, number> = {
    'eg-software': healthy.port,
    'eg-software-cryptomb': healthy.port,
    'eg-qat': reset.port,
    'eg-cryptomb': reset.port,
    'eg-qat-reset': reset.port,
    'eg-qat-down': closed,
  };
  const api = await fakeKubeApi({
    'eg-software': '127.0.0.2',
    'eg-software-cryptomb': '127.0.0.2',
    'eg-qat': '127.0.0.3',
    'eg-cryptomb': '127.0.0.4',
    'eg-qat-reset': '127.0.0.5',
    'eg-qat-down': '127.0.0.6',
  });
  let handshakes = 0;
  const stats = await fakeStats({
    '127.0.0.2': () => `envoy_listener_ssl_handshake{envoy_listener_address="0.0.0.0_10443"} ${handshakes += 50}\n`,
    '127.0.0.3': () => rejectedSecretStats('default/example-cert', resets()),
    '127.0.0.4': () => rejectedSecretStats('default/example-cert', resets()),
    // Negative control: the same resets, but the rejected update is another Secret's.
    '127.0.0.5': () => rejectedSecretStats('default/other-cert', resets()),
    '127.0.0.6': () => '',
  });
  const file = path.join(tmp, 'run.json');
  fs.writeFileSync(file, JSON.stringify({ ...config, targets: config.targets.map((t: any) => ({ ...t, host: 'localhost', port: port[t.name] })) }));
  fs.mkdirSync(path.join(tmp, 'cgroup'));
  run = await runScript(tmp, 'benchmark.py', {
    ATLS_CONFIG: file,
    ATLS_FORTIO: fortio,
    ATLS_RESULTS: path.join(tmp, 'results'),
    ATLS_KUBE_API: `http://127.0.0.1:${api.port}`,
    ATLS_STATS_PORT: String(stats),
    ATLS_CGROUP: path.join(tmp, 'cgroup'),
  });
  if (process.env.ATLS_SHOW_TABLE) console.log(run.stdout);
}, 600_000);

/** The printed table, by target (columns are separated by two or more spaces). */
function rows(): Record<string, Record<string, string>> {
  const lines = run.stdout.split('\n').filter((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('target '));
  const header = lines[start].split(/\s{2,}/);
  return Object.fromEntries(lines.slice(start + 1).map((l) => {
    const cells = Object.fromEntries(l.split(/\s{2,}/).map((c, i) => [header[i], c]));
    return [cells.target, cells];
  }));
}

test('each target carries the xDS name of its loaded listener\'s Secret', () => {
  expect(config.targets.map((t: any) => t.secret)).toEqual(Array(6).fill('default/example-cert'));
});

test('the script finishes (exit 0) and prints a row for every target, the broken ones included', () => {
  if (run.status !== 0) throw new Error(`exit ${run.status}\n${run.stderr}\n${run.stdout}`);
  expect(Object.keys(rows())).toEqual(['eg-software', 'eg-qat', 'eg-software-cryptomb', 'eg-cryptomb', 'eg-qat-reset', 'eg-qat-down']);
  expect(run.stderr).not.toContain('Traceback');
});

test('a target whose Envoy rejected the Secret: no qps, no latency, no ratio, its errors, and "rejected" with Envoy\'s message', () => {
  const r = rows();
  for (const [target, kind] of [['eg-qat', 'qat'], ['eg-cryptomb', 'cryptomb']]) {
    expect(r[target]).toMatchObject({ 'qps': '0.0', 'p50 ms': '-', 'p99 ms': '-', 'ratio': '-', 'errors': '2', 'handshakes': '-' });
    expect(r[target].accelerated).toBe(`rejected (Envoy rejected the Secret: Failed to load private key provider: ${kind})`);
  }
  // The fake target really reset every connection fortio made.
  expect(resets()).toBeGreaterThanOrEqual(6);
});

test('negative controls: resets without a rejection of the target\'s Secret, or nothing listening, are "unknown" with fortio\'s reason', () => {
  const r = rows();
  expect(r['eg-qat-reset'].errors).toBe('2');
  expect(r['eg-qat-reset'].accelerated).toBe('unknown (no handshake completed: Unable to TLS connect: connection reset by peer)');
  expect(r['eg-qat-down'].accelerated).toMatch(/^unknown \(no handshake completed: .*connection refused\)$/);
});

test('healthy targets keep their rows: real qps, latencies, ratio "baseline", handshakes from the stats, the provider verdict', () => {
  const r = rows();
  for (const target of ['eg-software', 'eg-software-cryptomb']) {
    expect(Number(r[target].qps)).toBeGreaterThan(0);
    expect(Number(r[target]['p50 ms'])).toBeGreaterThan(0);
    expect(r[target]).toMatchObject({ ratio: 'baseline', errors: '0', handshakes: '50', accelerated: 'software (baseline)' });
  }
  const summary = JSON.parse(fs.readFileSync(path.join(tmp, 'results', 'summary.json'), 'utf8'));
  // Only a target that served nothing carries a failure, with fortio's reason.
  expect(summary.filter((s: any) => 'failure' in s).map((s: any) => [s.target, s.failure])).toEqual([
    ['eg-qat', 'Unable to TLS connect: connection reset by peer'],
    ['eg-cryptomb', 'Unable to TLS connect: connection reset by peer'],
    ['eg-qat-reset', 'Unable to TLS connect: connection reset by peer'],
    ['eg-qat-down', expect.stringMatching(/connection refused$/)],
  ]);
});

test('rejected needs both traces: a rejected update of the target\'s Secret and connections without a certificate', () => {
  const code = 'import sys, handshake_health as h\nprint(h.secret_rejected(h.parse_series(sys.argv[1]), "qat", "default/example-cert"))';
  const call = (stats: string) => execFileSync('python3', ['-c', code, stats], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: tmp, PYTHONDONTWRITEBYTECODE: '1' },
  }).trim();
  expect(call(rejectedSecretStats('default/example-cert', 3))).toBe('Envoy rejected the Secret: Failed to load private key provider: qat');
  expect(call(rejectedSecretStats('default/example-cert', 0))).toBe('None');
  expect(call(rejectedSecretStats('default/other-cert', 3))).toBe('None');
  // A listener stat_prefix stays in the name: still the listener's secrets_not_ready.
  expect(call('envoy_sds_update_rejected{envoy_xds_resource_name="default/example-cert"} 2\n'
    + 'envoy_listener_edge_server_ssl_socket_factory_downstream_context_secrets_not_ready 1\n'))
    .toBe('Envoy rejected the Secret: Failed to load private key provider: qat');
});
