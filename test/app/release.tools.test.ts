// What a release publishes and how: the wheel's stability classifier (as jsii-pacmak writes it),
// the publish jobs' trusted publishing, and docs/releasing.md naming what the workflows use.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as YAML from 'yaml';
import { RELEASE_ENVIRONMENT, RELEASE_WORKFLOW } from '../../projenrc/release';

jest.setTimeout(300_000);

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const workflowsDir = path.join(root, '.github', 'workflows');
const workflowFiles = fs.readdirSync(workflowsDir).filter((f) => f.endsWith('.yml'));
const release = YAML.parse(fs.readFileSync(path.join(workflowsDir, RELEASE_WORKFLOW), 'utf8'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-release-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The "Development Status" trove classifier of the setup.py jsii-pacmak writes for `moduleDir`. */
async function wheelDevelopmentStatus(moduleDir: string, out: string): Promise<string[]> {
  await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'jsii-pacmak'),
    ['--code-only', '--target', 'python', '-o', out, moduleDir], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const setup = fs.readFileSync(path.join(out, 'python', 'setup.py'), 'utf8');
  const kwargs = JSON.parse(setup.match(/json\.loads\(\s*"""([\s\S]*?)"""/)![1]);
  return kwargs.classifiers.filter((c: string) => c.startsWith('Development Status'));
}

describe('the Python package', () => {
  let ours: string[];
  let stableCopy: string[];
  beforeAll(async () => {
    // The assembly `npx projen compile` writes (compiled here when a fresh clone has none yet).
    if (!fs.existsSync(path.join(root, '.jsii'))) execFileSync('npx', ['projen', 'compile'], { cwd: root, stdio: 'ignore' });
    // The same assembly marked stable, as the package was before (the negative control).
    // (Inside the repository, so that jsii-pacmak finds the dependencies in node_modules.)
    fs.mkdirSync(path.join(root, '.cache'), { recursive: true });
    const probe = fs.mkdtempSync(path.join(root, '.cache', 'stability-'));
    try {
      for (const f of ['package.json', 'README.md', 'LICENSE']) fs.copyFileSync(path.join(root, f), path.join(probe, f));
      const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
      fs.writeFileSync(path.join(probe, '.jsii'), JSON.stringify({ ...assembly, docs: { ...assembly.docs, stability: 'stable' } }));
      [ours, stableCopy] = await Promise.all([
        wheelDevelopmentStatus(root, path.join(tmp, 'ours')),
        wheelDevelopmentStatus(probe, path.join(tmp, 'stable')),
      ]);
    } finally {
      fs.rmSync(probe, { recursive: true, force: true });
    }
  });

  test('a 0.x package is experimental, and its wheel says Beta, not Production/Stable', () => {
    expect(pkg.version).toMatch(/^0\./);
    expect(pkg.stability).toBe('experimental');
    expect(ours).toEqual(['Development Status :: 4 - Beta']);
  });

  test('the same assembly marked stable says Production/Stable (negative control)', () => {
    expect(stableCopy).toEqual(['Development Status :: 5 - Production/Stable']);
  });
});

/** The secrets a workflow reads (`${{ secrets.NAME }}`). */
function secretsRead(text: string): string[] {
  return [...new Set([...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]))].sort();
}

describe('the workflows', () => {
  test('build, release and upgrade-main are there', () => {
    expect(workflowFiles.sort()).toEqual(['build.yml', 'release.yml', 'upgrade-main.yml']);
    expect(release.on.push.branches).toEqual(['main']);
  });

  test('read no secret but the job\'s own GITHUB_TOKEN', () => {
    for (const f of workflowFiles) {
      const others = secretsRead(fs.readFileSync(path.join(workflowsDir, f), 'utf8')).filter((s) => s !== 'GITHUB_TOKEN');
      expect([f, others]).toEqual([f, []]);
    }
  });

  test('a long-lived token is found (negative control)', () => {
    expect(secretsRead('NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\nTWINE_PASSWORD: ${{ secrets.TWINE_PASSWORD }}')).toEqual(['NPM_TOKEN', 'TWINE_PASSWORD']);
  });

  test.each([
    ['release_npm', 'NPM_TRUSTED_PUBLISHER', 'publib-npm'],
    ['release_pypi', 'PYPI_TRUSTED_PUBLISHER', 'publib-pypi'],
  ])('%s publishes with an OIDC token (%s), in the release environment', (job, flag, tool) => {
    const j = release.jobs[job];
    expect(j.permissions['id-token']).toBe('write');
    expect(j.environment).toBe(RELEASE_ENVIRONMENT);
    const publish = j.steps.find((s: any) => s.name === 'Release');
    expect(publish.run).toContain(tool);
    expect({ ...j.env, ...publish.env }[flag]).toBe('true');
  });

  test('npm publishes on Node 24, after a step that stops an npm older than 11.5.1', () => {
    const steps = release.jobs.release_npm.steps;
    expect(steps[0].with['node-version']).toBe('24');
    const check = steps.findIndex((s: any) => String(s.name).startsWith('npm >= 11.5.1'));
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(steps.findIndex((s: any) => s.name === 'Release'));
    // The step's script against stand-in npm binaries.
    const verdict = (version: string) => {
      const bin = fs.mkdtempSync(path.join(tmp, 'npm-'));
      fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
      return spawnSync('bash', ['-euc', steps[check].run], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    };
    expect(verdict('11.5.1').status).toBe(0);
    expect(verdict('11.12.0').status).toBe(0);
    const old = verdict('10.8.2');
    expect(old.status).toBe(1);
    expect(old.stdout).toContain('npm 10.8.2 cannot publish with a trusted publisher');
    expect(verdict('11.4.2').status).toBe(1);
  });

  test('actionlint uses the shellcheck the shell-script test installs', () => {
    const pin = (file: string) => fs.readFileSync(path.join(root, file), 'utf8').match(/shellcheck[-_]py(?:==|_VERSION=)([0-9.]+)/i)![1];
    expect(pin('.ci/actionlint.sh')).toBe(pin('test/util/shellcheck.ts'));
  });
});

/** The facts of `facts` that `doc` does not mention (as `code`). */
function missingFrom(doc: string, facts: string[]): string[] {
  return facts.filter((f) => !doc.includes(`\`${f}\``));
}

describe('docs/releasing.md', () => {
  const doc = fs.readFileSync(path.join(root, 'docs', 'releasing.md'), 'utf8');
  const [, owner, repo] = pkg.repository.url.match(/github\.com\/([^/]+)\/([^/.]+)(?:\.git)?$/);
  const facts = [pkg.name, pkg.jsii.targets.python.distName, owner, repo, RELEASE_WORKFLOW, RELEASE_ENVIRONMENT, pkg.repository.url];

  test('names the package, the PyPI project, the repository, the workflow file and the environment', () => {
    expect(missingFrom(doc, facts)).toEqual([]);
    expect(fs.existsSync(path.join(workflowsDir, RELEASE_WORKFLOW))).toBe(true);
  });

  test('a document naming another environment is caught (negative control)', () => {
    expect(missingFrom(doc.split(`\`${RELEASE_ENVIRONMENT}\``).join('`production`'), facts)).toEqual([RELEASE_ENVIRONMENT]);
  });
});
