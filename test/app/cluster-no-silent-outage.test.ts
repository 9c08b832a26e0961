// The cluster check's judgement of the HandshakeCheck and HandshakeBenchmark runs on the standard
// build (conformance/cluster/handshake-check-run.js, benchmark-run.js), on output shaped as the
// scripts print it: software listeners and targets must be served; QAT and CryptoMB ones must
// fail, or come out rejected, with Envoy's message; exit statuses must follow.
/* eslint-disable @typescript-eslint/no-require-imports */
const B = require('../../conformance/cluster/benchmark-run');
const H = require('../../conformance/cluster/handshake-check-run');
/* eslint-enable @typescript-eslint/no-require-imports */

const listener = { name: 'tls-443', port: 443, sni: 'www.example.com', secret: 'default/example-cert' };
const config = {
  gateways: [
    { name: 'eg-software', provider: 'software', listeners: [listener] },
    { name: 'eg-qat', provider: 'qat', listeners: [listener] },
    { name: 'eg-cryptomb', provider: 'cryptomb', listeners: [listener] },
  ],
};
const rejected = (gw: string, kind: string) => `FAIL ${gw}/tls-443 www.example.com:443: Envoy rejected the Secret: Failed to load private key provider: ${kind} `
  + '(Secret default/example-cert; the handshake: connection reset by peer; envoy_sds_update_rejected{envoy_xds_resource_name="default/example-cert"} 1, secrets_not_ready 1)';
const output = [
  'PASS eg-software/tls-443 www.example.com:443: serves the Secret default/example-cert (sha256 3F:24)',
  rejected('eg-qat', 'qat'),
  rejected('eg-cryptomb', 'cryptomb'),
  'HANDSHAKE CHECK: 1 of 3 listeners serve their Secret\'s certificate',
].join('\n');

test('the expected run on the standard build: software passes, QAT and CryptoMB fail with Envoy\'s message, exit 1', () => {
  expect(H.handshakeCheckLines({ exit: 1, output, config })).toEqual({ checked: 3, failures: [] });
});

test('a software-only check must exit 0', () => {
  const software = { gateways: [config.gateways[0]] };
  expect(H.handshakeCheckLines({ exit: 0, output, config: software }).failures).toEqual([]);
  expect(H.handshakeCheckLines({ exit: 1, output, config: software }).failures).toEqual(['the check exited 1, want 0']);
});

test('negative controls: a software failure, a rejection without Envoy\'s message, a missing line, a wrong exit', () => {
  const bad = (o: string, exit = 1) => H.handshakeCheckLines({ exit, output: o, config }).failures;
  expect(bad(output.replace('PASS eg-software', 'FAIL eg-software'))).toEqual([expect.stringMatching(/^eg-software\/tls-443 www\.example\.com:443: FAIL /)]);
  expect(bad(output.replace(rejected('eg-qat', 'qat'), 'FAIL eg-qat/tls-443 www.example.com:443: no handshake: connection reset by peer (stats unreadable)')))
    .toEqual([expect.stringMatching(/^eg-qat\/tls-443 .*want the rejection, got: FAIL .*no handshake/)]);
  expect(bad(output.replace(rejected('eg-cryptomb', 'cryptomb'), rejected('eg-cryptomb', 'qat')))).toHaveLength(1);
  expect(bad(output.split('\n').slice(0, 2).join('\n'))).toEqual(['eg-cryptomb/tls-443 www.example.com:443: no line']);
  expect(bad(output, 0)).toEqual(['the check exited 0, want 1']);
});

const TABLE = [
  'HANDSHAKE BENCHMARK (c=8 qps=0 t=10s keepalive=false sni=www.example.com clients=1 cpu=2)',
  'target       provider  clients  qps    p50 ms  p99 ms  ratio     errors  handshakes  client cpu  accelerated',
  'eg-software  software  1        631.1  11.54   23.05   baseline  0       6722        40%         software (baseline)',
  'eg-qat       qat       1        0.0    -       -       -         8       -           1%          rejected (Envoy rejected the Secret: Failed to load private key provider: qat)',
  '',
].join('\n');
const bench = (table: string) => B.benchmarkRows({
  exit: 0,
  output: table,
  results: { 'eg-software': { DurationHistogram: { Count: 6714 } } },
  config: { concurrency: 8, targets: [{ name: 'eg-software', provider: 'software' }, { name: 'eg-qat', provider: 'qat' }] },
}).failures;

test('the benchmark on the standard build: the software row served, the QAT row rejected with Envoy\'s message', () => {
  expect(bench(TABLE)).toEqual([]);
});

test('negative controls: a QAT row that is "unknown", or that served requests, fails', () => {
  expect(bench(TABLE.replace(/rejected \(.*\)/, 'unknown (no handshake completed: Unable to TLS connect: connection reset by peer)')))
    .toEqual([expect.stringMatching(/^eg-qat: verdict "unknown .*", want "rejected \(Envoy rejected the Secret: Failed to load private key provider: qat\)"$/)]);
  expect(bench(TABLE.replace('0.0    -       -       -         8', '0.0    -       -       -         0'))).toEqual(['eg-qat: qps 0.0 with 0 errors, want 0.0 with errors']);
});
