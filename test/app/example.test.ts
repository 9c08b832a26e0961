import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { defineEdge } from '../../examples/edge';
import { synthApp } from '../util';

function synthExample(): any[] {
  const app = Testing.app();
  defineEdge(app);
  return synthApp(app);
}

test('the example app (the private key provider task\'s scenario) matches its reviewed snapshot', () => {
  expect(synthExample()).toMatchSnapshot();
});

test('the example reproduces the private key provider task: QAT, CryptoMB and software gateways over one backend', () => {
  const objects = synthExample();
  const gateways = objects.filter((o) => o.kind === 'Gateway').map((o) => o.metadata.name);
  // eg-software-cryptomb: the CryptoMB gateway's benchmark baseline, on the same node type.
  expect(gateways).toEqual(['eg-qat', 'eg-cryptomb', 'eg-software', 'eg-software-cryptomb']);
  const providers = objects.filter((o) => o.kind === 'EnvoyPatchPolicy').map((o) => o.spec.jsonPatches[0].operation.value.provider_name);
  expect(providers).toEqual(['qat', 'cryptomb']);
  // Envoy Gateway comes from Helm with EnvoyPatchPolicy enabled: no envoy-gateway-config ConfigMap to fight it.
  expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'envoy-gateway-config')).toEqual([]);
});

test('the example benchmarks each accelerated gateway against the baseline of its shape and placement', () => {
  const objects = synthExample();
  // The QAT baseline runs where the QAT gateway lands: the nodes the QAT device plugin advertises VFs on.
  const proxy = objects.find((o) => o.kind === 'EnvoyProxy' && o.metadata.name === 'default-eg-software');
  const plugin = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'intel-qat-plugin');
  expect(proxy.spec.provider.kubernetes.envoyDeployment.pod.nodeSelector).toEqual(plugin.spec.template.spec.nodeSelector);
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'handshake-benchmark');
  const targets = JSON.parse(cm.data['config.json']).targets;
  expect(targets.map((t: any) => [t.name, t.baseline])).toEqual([
    ['eg-software', null], ['eg-qat', 'eg-software'], ['eg-software-cryptomb', null], ['eg-cryptomb', 'eg-software-cryptomb'],
  ]);
});

test('the compiled example writes byte-identical YAML in two separate processes', () => {
  const script = path.join(__dirname, '..', '..', 'build', 'examples', 'main.js');
  // Always compiled afresh: a stale build/ would test yesterday's library.
  execFileSync('npx', ['tsc', '-p', path.join(__dirname, '..', '..', 'examples', 'tsconfig.json')], { stdio: 'inherit' });
  const run = () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-example-'));
    execFileSync(process.execPath, [script], { env: { ...process.env, ATLS_EXAMPLE_OUTDIR: out } });
    const files = fs.readdirSync(out).sort();
    const text = files.map((f) => `# ${f}\n${fs.readFileSync(path.join(out, f), 'utf8')}`).join('\n');
    fs.rmSync(out, { recursive: true, force: true });
    return { files, text };
  };
  const a = run();
  const b = run();
  expect(a.files).toEqual([
    // Numbered by cdk8s in dependency order: the CRDs first, in a file of their own, then NFD before the rules that need it.
    '0000-crds.k8s.yaml', '0001-backend.k8s.yaml', '0002-qat-gateway.k8s.yaml', '0003-cryptomb-gateway.k8s.yaml',
    '0004-software-gateway.k8s.yaml', '0005-software-cryptomb-gateway.k8s.yaml', '0006-node-features.k8s.yaml',
    '0007-qat-node-prep.k8s.yaml', '0008-benchmark.k8s.yaml',
  ]);
  expect(a.text).toBe(b.text);
  expect(YAML.parseAllDocuments(a.text).length).toBeGreaterThan(10);
});
