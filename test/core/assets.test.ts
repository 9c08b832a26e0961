// The scripts that run in containers are real files in assets/: shipped in the npm package (and
// so in the wheel's embedded tarball), read at synth time, and linted here as the very files.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  assetPath, HANDSHAKE_BENCHMARK_ASSET, HANDSHAKE_BENCHMARK_MODULES, HANDSHAKE_CHECK_ASSET, HANDSHAKE_CHECK_MODULES, QAT_HOST_PREP_ASSET, readAsset,
} from '../../src/core/assets';

const ROOT = path.join(__dirname, '..', '..');
const PYTHON = [...new Set([HANDSHAKE_BENCHMARK_ASSET, ...HANDSHAKE_BENCHMARK_MODULES, HANDSHAKE_CHECK_ASSET, ...HANDSHAKE_CHECK_MODULES])];
const ASSETS = [QAT_HOST_PREP_ASSET, ...PYTHON];

test('every asset is read from the assets/ directory at the package root', () => {
  for (const name of ASSETS) {
    expect(assetPath(name)).toBe(path.join(ROOT, 'assets', name));
    expect(readAsset(name)).toBe(fs.readFileSync(path.join(ROOT, 'assets', name), 'utf8'));
  }
  expect(() => readAsset('no-such-asset')).toThrow(/ENOENT/);
});

test('the npm package lists every asset (so the wheel embeds them too)', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
  for (const name of ASSETS) expect(files).toContain(`assets/${name}`);
  // Negative control: the tests and sources stay out, so the listing is a real filter.
  expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
  expect(files.some((f) => f.includes('__pycache__'))).toBe(false);
});

test('the Python scripts and modules byte-compile (Python 3), and a broken copy does not', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-assets-'));
  try {
    const compile = (src: string) => spawnSync('python3', ['-c',
      'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)',
      src, path.join(tmp, 'out.pyc')], { encoding: 'utf8' });
    for (const name of PYTHON) {
      const ok = compile(assetPath(name));
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
    }
    const broken = path.join(tmp, 'broken.py');
    fs.writeFileSync(broken, readAsset(HANDSHAKE_BENCHMARK_ASSET).replace('def main():', 'def main(:'));
    expect(compile(broken).status).not.toBe(0);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('each script starts with the shebang of its interpreter', () => {
  expect(readAsset(QAT_HOST_PREP_ASSET).startsWith('#!/usr/bin/env bash\n')).toBe(true);
  expect(readAsset(HANDSHAKE_BENCHMARK_ASSET).startsWith('#!/usr/bin/env python3\n')).toBe(true);
  expect(readAsset(HANDSHAKE_CHECK_ASSET).startsWith('#!/usr/bin/env python3\n')).toBe(true);
});
