// Applying an app's synthesized directory exactly as the README tells users, recording what the
// apiserver said: the CRD file first and waited for until Established, then everything server-side.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { readYamlDocs } = require('../lib');

const CRD_FILE = '0000-crds.k8s.yaml';

/** The README's recipe, as commands (kubectl arguments). A directory without CRDs skips the first two. */
function recipe(dir) {
  const crds = path.join(dir, CRD_FILE);
  return [
    ...(fs.existsSync(crds) ? [
      ['apply', '--server-side', '-f', crds],
      ['wait', '--for', 'condition=Established', '--timeout=60s', '-f', crds],
    ] : []),
    ['apply', '--server-side', '-f', dir],
  ];
}

/** Apiserver warnings in kubectl's stderr (`Warning: ...`). */
function warningsIn(stderr) {
  return stderr.split('\n').filter((l) => /^Warning:/.test(l.trim()));
}

/**
 * Applies `dir` to the cluster. Returns the failures (each with its reason) and the number of
 * objects checked: every object admitted with no warning.
 */
function applyAsReadme(cp, name, dir) {
  const failures = [];
  const objects = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => readYamlDocs(path.join(dir, f)));
  for (const args of recipe(dir)) {
    const r = cp.kubectlResult(args);
    if (r.status !== 0) failures.push(`${name}: kubectl ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-4).join(' | ')}`);
    for (const w of warningsIn(r.stderr)) failures.push(`${name}: kubectl ${args[0]} printed an apiserver warning: ${w}`);
  }
  return { failures, checked: objects.length };
}

/** A second apply changes nothing: `kubectl diff --server-side` of the directory is empty. */
function diffIsEmpty(cp, name, dir) {
  const r = cp.kubectlResult(['diff', '--server-side', '-f', dir]);
  if (r.status === 0) return [];
  return [`${name}: a second apply would change objects (kubectl diff exit ${r.status}): ${(r.stdout + r.stderr).trim().split('\n').slice(0, 12).join(' | ')}`];
}

module.exports = { applyAsReadme, diffIsEmpty };
