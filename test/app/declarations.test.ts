// The published declarations as a consumer's compiler meets them: no @internal member, and a
// TypeScript app compiles against them without any Node type definitions (a fresh cdk8s app pins
// old @types/node, so nothing from Node may leak through the public types).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-dts-'));
const out = path.join(tmp, 'node_modules', 'cdk8s-accelerated-tls', 'lib');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  // The same declarations post-compile writes to lib/.
  const r = spawnSync(TSC, ['-p', path.join(ROOT, 'tsconfig.declarations.json'), '--outDir', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  fs.writeFileSync(path.join(out, '..', 'package.json'), JSON.stringify({ name: 'cdk8s-accelerated-tls', types: 'lib/index.d.ts', main: 'lib/index.js' }));
  for (const dep of ['cdk8s', 'cdk8s-plus-28', 'constructs']) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(tmp, 'node_modules', dep));
});

function declarations(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? declarations(p) : e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Non-private members named with a leading underscore (the @internal convention). */
const UNDERSCORE_MEMBER = /^\s+(?:static\s+)?(?:readonly\s+)?(_\w+)\s*[?(:]/m;

test('no declaration carries an @internal symbol or an underscore member', () => {
  const files = declarations(out);
  expect(files.length).toBeGreaterThan(20);
  const leaks = files.filter((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return text.includes('@internal') || UNDERSCORE_MEMBER.test(text);
  });
  expect(leaks.map((f) => path.relative(out, f))).toEqual([]);
  // Negative control: the pattern finds a member like the ones jsii declarations keep.
  expect(UNDERSCORE_MEMBER.test('export declare class X {\n    readonly _behaviour: Y;\n}')).toBe(true);
});

/** Compiles `main.ts` in the consumer directory with no Node types at all. */
function consumerCompile(main: string): { status: number | null; output: string } {
  fs.writeFileSync(path.join(tmp, 'main.ts'), main);
  fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      types: [],
      lib: ['es2020'],
      target: 'es2020',
      module: 'commonjs',
      moduleResolution: 'node',
      ignoreDeprecations: '6.0',
      noEmit: true,
    },
    files: ['main.ts'],
  }));
  const r = spawnSync(TSC, ['-p', tmp], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

test('an app compiles against the declarations without Node type definitions', () => {
  const app = [
    "import { App, Chart } from 'cdk8s';",
    "import { AcceleratedTlsGateway, KeyAlgorithm, KeyProvider, TlsCertificate } from 'cdk8s-accelerated-tls';",
    'const app = new App();',
    "const certificate = TlsCertificate.fromSecretName('s', { keyAlgorithm: KeyAlgorithm.RSA_2048 });",
    "new AcceleratedTlsGateway(new Chart(app, 'c'), 'gw', { provider: KeyProvider.qat(), listeners: [{ certificate, backend: { serviceName: 'b', port: 80 } }] });",
    '',
  ].join('\n');
  const ok = consumerCompile(app);
  expect(ok.output).toBe('');
  expect(ok.status).toBe(0);
  // Negative control: a Node type reaching the consumer fails the same compile.
  const leak = consumerCompile(`import type { X509Certificate } from 'node:crypto';\nexport let c: X509Certificate | undefined;\n${app}`);
  expect(leak.status).not.toBe(0);
  expect(leak.output).toMatch(/node:crypto/);
});
