// The benchmark script's modules, function by function, from the synthesized ConfigMap: the verdicts
// on Envoy's stats and logs, the client's cgroup, Prometheus text. Only python3 is needed; the
// script's run against fortio is test/benchmark/handshake-benchmark-script.tools.test.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UNRELATED, callScript as callIn, envoyLog, writeScripts } from './script-files';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-bench-py-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let base: any;
beforeAll(() => {
  base = writeScripts(tmp).config;
});
const callScript = (fn: string, args: unknown[], env: Record<string, string> = {}) => callIn(tmp, fn, args, env);

test('the ConfigMap holds the script and its modules, and the config names every target', () => {
  expect(fs.readdirSync(tmp).sort()).toEqual(['benchmark.py', 'handshake_clients.py', 'handshake_evidence.py', 'handshake_health.py', 'handshake_kube.py']);
  expect(base.targets.map((t: any) => t.name)).toEqual(expect.arrayContaining(['eg-cryptomb', 'eg-qat']));
});

test('stats verdict edge cases; the names Envoy does not publish count as nothing published', () => {
  const cryptomb = base.targets.find((t: any) => t.name === 'eg-cryptomb');
  const rsa = 'envoy_listener_cryptomb_rsa_queue_sizes_count';
  const ecdsa = 'envoy_listener_cryptomb_ecdsa_queue_sizes_count';
  const cases: Array<[object, object | null, object, string]> = [
    [{}, null, {}, 'unknown (Envoy stats unreadable)'],
    [{}, {}, { envoy_listener_ssl_handshake: 9 }, 'unknown (no cryptomb stats published)'],
    // Negative control: the unscoped names the script once read do not exist in Envoy.
    [{}, {}, { envoy_cryptomb_rsa_queue_sizes_count: 7, envoy_listener_ssl_handshake: 9 }, 'unknown (no cryptomb stats published)'],
    [{}, {}, { [rsa]: 0 }, 'unknown (no handshakes counted)'],
    [{ keyType: 'ECDSA' }, {}, { [ecdsa]: 0, envoy_listener_ssl_handshake: 9 }, 'software (fallback: no cryptomb batches in 9 handshakes)'],
    [{ keyType: null }, {}, { [rsa]: 0, envoy_listener_ssl_handshake: 9 }, 'unknown (undeclared key: not always queued)'],
    [{ keyType: 'ECDSA' }, {}, { [ecdsa]: 3 }, 'provider (3 batches)'],
    // A listener stat_prefix stays in the name: still the listener's CryptoMB stats.
    [{}, { envoy_listener_edge_cryptomb_rsa_queue_sizes_count: 1 }, { envoy_listener_edge_cryptomb_rsa_queue_sizes_count: 4 }, 'provider (3 batches)'],
  ];
  const out = cases.map(([t, before, after]) => callScript('handshake_evidence.verdict', [{ ...cryptomb, ...t }, before, after, null]));
  expect(out).toEqual(cases.map((c) => c[3]));
});

test('log verdict edge cases: the last provider message of each pod decides, every pod counts', () => {
  const qat = base.targets.find((t: any) => t.name === 'eg-qat');
  const started = envoyLog('info', 'qat_private_key_provider.cc:356', 'initialized QAT private key provider');
  const notRsa = envoyLog('warning', 'qat_private_key_provider.cc:331', 'Only RSA keys are supported.');
  const noInstance = envoyLog('warning', 'qat_private_key_provider.cc:338', 'Failed to start QAT.');
  const outcome = (log: string) => callScript('handshake_evidence.pod_outcome', [log, qat.evidence]);
  expect(outcome([notRsa, started].join('\n'))).toEqual(['provider', null]);
  expect(outcome([started, notRsa].join('\n'))).toEqual(['fallback', 'not an RSA key']);
  expect(outcome(noInstance)).toEqual(['fallback', 'no QAT crypto instance started']);
  // Negative controls: text that merely contains the message is not Envoy's message.
  expect(outcome(`${UNRELATED} initialized QAT private key provider, not really`)).toBeNull();
  expect(outcome(`${UNRELATED}: re-initialized QAT private key provider`)).toBeNull();
  expect(callScript('handshake_evidence.logs_verdict', [qat, qat.evidence, null])).toBe('unknown (Envoy pods not listed)');
  expect(callScript('handshake_evidence.logs_verdict', [qat, qat.evidence, []])).toBe('unknown (no running Envoy pod)');
});

test('the client\'s cgroup: usage from v2 cpu.stat or v1 cpuacct.usage, the limit from cpu.max or the cfs quota', () => {
  const tree = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cg-'));
    for (const [f, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), content);
    }
    return { ATLS_CGROUP: dir };
  };
  const v2 = tree({ 'cpu.stat': 'usage_usec 2500000\nuser_usec 2000000\n', 'cpu.max': '150000 100000\n' });
  expect(callScript('handshake_clients.cpu_seconds', [], v2)).toBe(2.5);
  expect(callScript('handshake_clients.cpu_limit', [2], v2)).toBe(1.5);
  expect(callScript('handshake_clients.cpu_limit', [2], tree({ 'cpu.max': 'max 100000\n' }))).toBe(2);
  const v1 = tree({ 'cpuacct/cpuacct.usage': '3000000000\n', 'cpu/cpu.cfs_quota_us': '50000\n', 'cpu/cpu.cfs_period_us': '100000\n' });
  expect(callScript('handshake_clients.cpu_seconds', [], v1)).toBe(3);
  expect(callScript('handshake_clients.cpu_limit', [2], v1)).toBe(0.5);
  expect(callScript('handshake_clients.cpu_limit', [2], tree({ 'cpu/cpu.cfs_quota_us': '-1\n', 'cpu/cpu.cfs_period_us': '100000\n' }))).toBe(2);
  expect(callScript('handshake_clients.cpu_seconds', [], tree({}))).toBeNull();
});

test('Prometheus text is summed per metric across series, comments and labels with spaces ignored', () => {
  expect(callScript('handshake_evidence.parse_prometheus', ['# TYPE x counter\nx{a="b c"} 2\nx{a="d"} 3.5\ny 1e3\nbad line NaNx\n'])).toEqual({ x: 5.5, y: 1000 });
});
