// The HandshakeCheck script run for real: the exact files of the synthesized ConfigMap against
// fake targets on loopback (a TLS server with the Secret's certificate, one with another
// certificate, one resetting every connection after the ClientHello), a fake Kubernetes API and
// fake Envoy stats publishing Envoy's real names for a rejected Secret.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import {
  AcceleratedTlsGateway, CryptoMbAffinity, HandshakeCheck, KeyAlgorithm, KeyProvider, TlsCertificate,
} from '../../src';
import { find, makeCert, newChart, synthApp } from '../util';
import {
  closeFakes, fakeKubeApi, fakeStats, rejectedSecretStats, resettingTarget, runScript, ScriptRun, tlsTarget, writeConfigMap,
} from './fakes';

jest.setTimeout(120_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-check-'));
afterAll(async () => {
  await closeFakes();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const SECRET_CERT = makeCert(['rsa:2048'], { cn: 'www.example.com' });
const OTHER_CERT = makeCert(['rsa:2048'], { cn: 'www.example.com', days: 30 });
const fingerprint = (pem: string) => new crypto.X509Certificate(pem).fingerprint256;

/** The synthesized check over one gateway per case, all serving Secret default/example-cert. */
function synthesized(): { data: Record<string, string>; job: any } {
  const { app, chart } = newChart();
  new CryptoMbAffinity(chart, 'avx512');
  const certificate = TlsCertificate.fromSecretName('example-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 });
  const gw = (name: string, provider: KeyProvider) => new AcceleratedTlsGateway(chart, name, {
    name, provider, listeners: [{ hostname: 'www.example.com', certificate, backend: { serviceName: 'backend', port: 3000 } }],
  });
  const gateways = [
    gw('eg-software', KeyProvider.software()),
    gw('eg-qat', KeyProvider.qat()),
    gw('eg-cryptomb', KeyProvider.cryptoMb()),
    gw('eg-wrong-cert', KeyProvider.software()),
  ];
  new HandshakeCheck(new Chart(app, 'check'), 'check', { gateways });
  const objects = synthApp(app);
  return { data: find(objects, 'ConfigMap', 'handshake-check').data, job: find(objects, 'Job', 'handshake-check') };
}

let base: any;
const ports: Record<string, number> = {};
let resets: () => number;
let sni: string[];
let env: Record<string, string>;

beforeAll(async () => {
  const { data, job } = synthesized();
  const { 'config.json': config, ...files } = data;
  expect(Object.keys(files).sort()).toEqual(['check.py', 'handshake_evidence.py', 'handshake_health.py', 'handshake_kube.py']);
  writeConfigMap(tmp, files);
  // The Secret's tls.crt where the Job mounts it (its volume's only item).
  const volume = job.spec.template.spec.volumes.find((v: any) => v.secret);
  expect(volume.secret).toEqual({ secretName: 'example-cert', items: [{ key: 'tls.crt', path: 'tls.crt' }] });
  fs.mkdirSync(path.join(tmp, 'secrets', volume.name), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'secrets', volume.name, 'tls.crt'), SECRET_CERT.certificatePem);
  base = JSON.parse(config);

  const healthy = await tlsTarget(SECRET_CERT);
  sni = healthy.sni;
  const reset = await resettingTarget();
  resets = reset.resets;
  ports['eg-software'] = healthy.port;
  ports['eg-qat'] = reset.port;
  ports['eg-cryptomb'] = reset.port;
  ports['eg-wrong-cert'] = (await tlsTarget(OTHER_CERT)).port;
  const api = await fakeKubeApi({ 'eg-software': '127.0.0.2', 'eg-qat': '127.0.0.3', 'eg-cryptomb': '127.0.0.4', 'eg-wrong-cert': '127.0.0.5' });
  const stats = await fakeStats({
    '127.0.0.2': () => 'envoy_sds_update_success{envoy_xds_resource_name="default/example-cert"} 1\n',
    // Envoy rejected the Secret: its listener resets every connection, each counted.
    '127.0.0.3': () => rejectedSecretStats('default/example-cert', resets()),
    // Negative control: the same resets, but no rejected update of this Secret (another one's).
    '127.0.0.4': () => rejectedSecretStats('default/other-cert', 0),
    '127.0.0.5': () => '',
  });
  env = { ATLS_KUBE_API: `http://127.0.0.1:${api.port}`, ATLS_STATS_PORT: String(stats) };
});

/** Runs the check over some of the gateways, each listener pointed at its fake target. */
function check(gateways: string[], name: string): Promise<ScriptRun> {
  const config = {
    ...base,
    timeoutSeconds: 5,
    gateways: base.gateways.filter((g: any) => gateways.includes(g.name)).map((g: any) => ({
      ...g,
      host: '127.0.0.1',
      listeners: g.listeners.map((l: any) => ({ ...l, port: ports[g.name], certificate: path.join(tmp, l.certificate) })),
    })),
  };
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  return runScript(tmp, 'check.py', { ...env, ATLS_CONFIG: file });
}

test('a gateway serving its Secret\'s certificate passes (exit 0), with the listener\'s SNI', async () => {
  const run = await check(['eg-software'], 'healthy');
  if (run.status !== 0) throw new Error(`exit ${run.status}\n${run.stderr}\n${run.stdout}`);
  expect(run.stdout).toBe([
    `PASS eg-software/tls-443 www.example.com:${ports['eg-software']}: serves the Secret default/example-cert (sha256 ${fingerprint(SECRET_CERT.certificatePem)})`,
    'HANDSHAKE CHECK: 1 of 1 listeners serve their Secret\'s certificate',
    '',
  ].join('\n'));
  expect(sni).toContain('www.example.com');
});

test('a gateway whose Envoy rejected the Secret fails (exit 1) with Envoy\'s message, read from the stats', async () => {
  const run = await check(['eg-software', 'eg-qat'], 'rejected');
  expect(run.status).toBe(1);
  const lines = run.stdout.split('\n');
  expect(lines[0]).toMatch(/^PASS eg-software\/tls-443 /);
  expect(lines[1]).toMatch(new RegExp(
    `^FAIL eg-qat/tls-443 www\\.example\\.com:${ports['eg-qat']}: Envoy rejected the Secret: Failed to load private key provider: qat ` +
    '\\(Secret default/example-cert; the handshake: connection reset by peer; ' +
    'envoy_sds_update_rejected\\{envoy_xds_resource_name="default/example-cert"\\} 1, secrets_not_ready [1-9]\\d*\\)$'));
  expect(lines[2]).toBe('HANDSHAKE CHECK: 1 of 2 listeners serve their Secret\'s certificate');
});

test('negative control: resets without a rejected update of the listener\'s Secret fail as "no handshake", not as a rejection', async () => {
  const run = await check(['eg-cryptomb'], 'reset');
  expect(run.status).toBe(1);
  expect(run.stdout.split('\n')[0]).toBe(`FAIL eg-cryptomb/tls-443 www.example.com:${ports['eg-cryptomb']}: no handshake: connection reset by peer `
    + '(envoy_sds_update_rejected{envoy_xds_resource_name="default/example-cert"} 0, secrets_not_ready 0)');
  expect(run.stdout).not.toContain('Failed to load private key provider');
});

test('a gateway serving another certificate than its Secret\'s fails, naming both fingerprints', async () => {
  const run = await check(['eg-wrong-cert'], 'wrong');
  expect(run.status).toBe(1);
  expect(run.stdout.split('\n')[0]).toBe(`FAIL eg-wrong-cert/tls-443 www.example.com:${ports['eg-wrong-cert']}: served certificate sha256 `
    + `${fingerprint(OTHER_CERT.certificatePem)} is not the Secret default/example-cert's (sha256 ${fingerprint(SECRET_CERT.certificatePem)})`);
});

test('nothing listening fails too, and unreadable stats are said, never guessed', async () => {
  const { port } = await resettingTarget();
  await closeFakes(); // frees every fake, the resetting one included: the port is now closed
  ports['eg-cryptomb'] = port;
  const run = await check(['eg-cryptomb'], 'closed');
  expect(run.status).toBe(1);
  expect(run.stdout.split('\n')[0]).toBe(`FAIL eg-cryptomb/tls-443 www.example.com:${port}: no handshake: connection refused (stats unreadable)`);
});
