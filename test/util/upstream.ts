// Upstream data (CRDs and reference renders, never committed; see upstream/locate.js). Tests that
// compare with it are skipped when it is missing (test/util/skip-notices.js prints one line
// saying how to get it), unless ATLS_REQUIRE_UPSTREAM=1 (CI, release): then missing data fails the run.
import * as fs from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const locate: UpstreamLocator = require('../../upstream/locate');

interface UpstreamLocator {
  readonly HINT: string;
  upstreamDirs(): string[];
  upstreamPath(rel: string): string;
  missingUpstream(): string[];
}

/**
 * Whether the upstream tests run: yes when nothing is missing; no when something is, unless
 * `required`, which makes missing data an error naming the files and the command.
 */
export function upstreamGate(where: string, missing: string[], required: boolean): boolean {
  if (missing.length === 0) return true;
  if (required) {
    throw new Error(`ATLS_REQUIRE_UPSTREAM=1 but ${where} lack ${missing.join(', ')}: ${locate.HINT}`);
  }
  return false;
}

const RUN = upstreamGate(locate.upstreamDirs().join(', '), locate.missingUpstream(), process.env.ATLS_REQUIRE_UPSTREAM === '1');

export function upstreamFile(kind: 'crds' | 'reference', name: string): string {
  return fs.readFileSync(locate.upstreamPath(`${kind}/${name}`), 'utf8');
}

/** `describe` over upstream data; without it one skipped test stands for the block (its body never runs). */
export function describeUpstream(name: string, fn: () => void): void {
  if (RUN) describe(name, fn);
  else describe(name, () => test.skip('needs upstream data (npx projen upstream)', () => undefined));
}

/** `test` over upstream data, skipped without it. */
export const testUpstream: jest.It = RUN ? test : test.skip;
