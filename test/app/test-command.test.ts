// `npx projen test` is the newcomer's command (after npm ci: no Go, no network, nothing installed):
// no suite it runs, nor a test module such a suite imports, starts a Go build or an installer.
// Those suites are *.tools.test.ts and `npx projen test:tools` runs them (test/tools.config.js).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toolsSuites } = require('../util/skip-notices');

const ROOT = path.join(__dirname, '..', '..');
const TEST = path.join(ROOT, 'test');

/** The suites jest runs with a configuration (none: the project's, i.e. `npx projen test`), relative to the root. */
function listTests(config?: string): string[] {
  const args = [require.resolve('jest/bin/jest'), '--ci', '--listTests', ...(config ? ['--config', config] : [])];
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter(Boolean).map((f) => path.relative(ROOT, f)).sort();
}

/** A Go build or test, or an installer (pip, venv, apt, npm install), started as a child process. */
const TOOL_USE = [
  /(['"`])go\1\s*,\s*\[\s*(['"`])(build|install|test|get|run|mod)\2/g,
  /(['"`])(pip3?|apt-get|apt|dpkg)\1\s*,\s*\[/g,
  /(['"`])npm\1\s*,\s*\[\s*(['"`])(install|i|ci|add)\2/g,
  /(['"`])-m\1\s*,\s*(['"`])(pip|venv|ensurepip)\2/g,
];
function toolUses(text: string): string[] {
  return TOOL_USE.flatMap((re) => [...text.matchAll(re)].map((m) => m[0]));
}

/** `file` and the modules of test/ it imports, transitively (the library in src/ starts no process). */
function withTestImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const { fileName } of ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = path.join(path.dirname(file), fileName);
    const found = [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')]
      .find((f) => f.startsWith(`test${path.sep}`) && fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile());
    if (found) withTestImports(found, seen);
  }
  return seen;
}

/** What each suite (with the test modules it imports) starts of Go builds and installers. */
function toolUsesOf(suites: string[]): Record<string, string[]> {
  return Object.fromEntries(suites.map((s) => [s, [...withTestImports(s)].flatMap((f) => toolUses(fs.readFileSync(path.join(ROOT, f), 'utf8')))]));
}

const unit = listTests();
const tools = listTests('test/tools.config.js');

test('npx projen test and npx projen test:tools split the suites between them: each runs exactly once', () => {
  const all = fs.readdirSync(TEST, { recursive: true }).map(String).filter((f) => /\.test\.ts$/.test(f)).map((f) => path.join('test', f)).sort();
  expect(tools).toEqual(toolsSuites());
  expect(tools.length).toBeGreaterThanOrEqual(3);
  expect(unit.filter((s) => tools.includes(s))).toEqual([]);
  expect([...unit, ...tools].sort()).toEqual(all);
});

test('no suite of npx projen test builds Go code or installs anything', () => {
  // This suite's own samples (the negative control below) aside: it starts jest only.
  const uses = toolUsesOf(unit.filter((s) => s !== path.relative(ROOT, __filename)));
  expect(Object.keys(uses).length).toBe(unit.length - 1);
  expect(Object.entries(uses).filter(([, u]) => u.length > 0)).toEqual([]);
});

test('the check finds what the tools suites start (negative control)', () => {
  const uses = toolUsesOf(tools);
  expect(uses['test/envoy-gateway/patch-policy-guard-cel.tools.test.ts']).toEqual(expect.arrayContaining([expect.stringMatching(/^'go', \['test'/)]));
  expect(uses['test/benchmark/handshake-benchmark-script.tools.test.ts']).toEqual(expect.arrayContaining([expect.stringMatching(/^'go', \['install'/)]));
  expect(uses['test/app/shell-scripts.tools.test.ts']).toEqual(expect.arrayContaining(["'-m', 'venv'", "'-m', 'pip'"]));
  expect(toolUses("spawnSync('pip3', ['install', 'x']); execFileSync(\"npm\", [\"install\"]); spawn(`apt-get`, ['install'])")).toHaveLength(3);
  expect(toolUses("execFileSync('npx', ['tsc', '-p', x]); execFileSync('npm', ['pack', '--dry-run'])")).toEqual([]);
});
