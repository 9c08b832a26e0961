import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { makeCert as makeFreshCert } from '../../conformance/make-cert';
import { Rules } from '../../src/core/rules';

export { upstreamFile, describeUpstream, testUpstream } from './upstream';

/**
 * A fresh app and chart for a test. The app stands for a cluster with Intel's QAT device plugin
 * installed (ATLS-QAT003 acknowledged), so QAT gateways are tested for themselves; the rule's own
 * tests use an app of their own.
 */
export function newChart(id = 'test'): { app: App; chart: Chart } {
  const app = Testing.app();
  Rules.acknowledge(app, 'ATLS-QAT003', 'the tests model a cluster with the QAT device plugin installed');
  return { app, chart: new Chart(app, id) };
}

/**
 * Every object of every chart of the app, in order. With $ATLS_DUMP_DIR set, synthesized
 * scenarios are also written there (as cdk8s writes YAML), so the conformance stage validates
 * what tests build; at most two per test, so property tests do not flood it.
 */
export function synthApp(app: App): any[] {
  // The app-wide checks first, as cdk8s synth runs them: they also order the charts (CRDs first).
  app.node.validate();
  const objects = app.charts.flatMap((c) => Testing.synth(c));
  const dir = process.env.ATLS_DUMP_DIR;
  if (dir) {
    const state = expect.getState();
    const test = `${path.basename(state.testPath ?? 'x', '.test.ts')}--${(state.currentTestName ?? 'scenario').replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80)}`;
    const n = dumped.get(test) ?? 0;
    if (n < 2) {
      dumped.set(test, n + 1);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${test}--${n}.yaml`), Yaml.stringify(...objects));
    }
  }
  return objects;
}
const dumped = new Map<string, number>();

export function find(objects: any[], kind: string, name?: string): any {
  const hit = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (hit.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${hit.length}`);
  return hit[0];
}

export interface TestCert {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const certCache = new Map<string, TestCert>();

/**
 * A throw-away self-signed certificate made now with openssl (never committed, so it never
 * expires under the tests). `keyArgs` are openssl `-newkey` arguments, e.g. `rsa:2048`.
 */
export function makeCert(keyArgs: string[], opts: { days?: number; cn?: string; extra?: string[] } = {}): TestCert {
  const id = JSON.stringify([keyArgs, opts]);
  const cert = certCache.get(id) ?? makeFreshCert(keyArgs, opts);
  certCache.set(id, cert);
  return cert;
}

/** An RSA certificate that expired in 2020 (openssl ca -selfsign with fixed dates). */
export function makeExpiredCert(): TestCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-expired-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  fs.writeFileSync(path.join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = d', '[d]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial',
    'default_md = sha256', 'policy = p', '[p]', 'commonName = supplied', '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  run(['req', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'k.pem', '-out', 'r.csr', '-subj', '/CN=www.example.com']);
  run(['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'k.pem', '-in', 'r.csr', '-out', 'c.pem',
    '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-notext']);
  const cert = { certificatePem: fs.readFileSync(path.join(dir, 'c.pem'), 'utf8'), privateKeyPem: fs.readFileSync(path.join(dir, 'k.pem'), 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return cert;
}
