// The TypeScript example of docs/benchmark-check.md, run unchanged against the library's source:
// it synthesizes a HandshakeCheck Job an Argo CD PostSync hook and Flux can gate on.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import * as library from '../../src';

const DOC = path.join(__dirname, '..', '..', 'docs', 'benchmark-check.md');

test('the TypeScript example of docs/benchmark-check.md synthesizes a HandshakeCheck Job', () => {
  const block = /### TypeScript\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(fs.readFileSync(DOC, 'utf8'))?.[1];
  expect(block).toBeDefined();
  const js = ts.transpileModule(block!, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-docs-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = out;
  try {
    // The package name resolves to the library's source; everything else as usual.
    const load = (name: string) => (name === 'cdk8s-accelerated-tls' ? library : require(name)); // eslint-disable-line @typescript-eslint/no-require-imports
    new Function('require', 'exports', js)(load, {});
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(out, 'check.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
    const job = objects.find((o) => o.kind === 'Job');
    expect(job.metadata).toMatchObject({ name: 'handshake-check', namespace: 'default', annotations: { 'argocd.argoproj.io/hook': 'PostSync' } });
    const config = JSON.parse(objects.find((o) => o.kind === 'ConfigMap').data['config.json']);
    expect(config.gateways.map((g: any) => [g.name, g.provider, g.listeners.length])).toEqual([['eg-qat', 'qat', 1], ['eg-software', 'software', 1]]);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    fs.rmSync(out, { recursive: true, force: true });
  }
});
