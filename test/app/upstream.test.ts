import * as path from 'node:path';
import { upstreamGate } from '../util/upstream';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { REQUIRED, missingUpstream, upstreamDirs, upstreamOut, upstreamPath } = require('../../upstream/locate');
const root = path.resolve(__dirname, '..', '..');
const shared = path.resolve(root, '..', 'shared', 'upstream');
const cache = path.join(root, '.cache', 'upstream');

describe('where the upstream data is looked for', () => {
  test('ATLS_UPSTREAM_DIR alone when set; else ../shared/upstream, then .cache/upstream, file by file', () => {
    expect(upstreamDirs({ ATLS_UPSTREAM_DIR: '/data/up' })).toEqual(['/data/up']);
    expect(upstreamDirs({})).toEqual([shared, cache]);
    const onlyInCache = (p: string) => p.startsWith(cache);
    expect(upstreamPath('crds/a.yaml', {}, onlyInCache)).toBe(path.join(cache, 'crds/a.yaml'));
    expect(upstreamPath('crds/a.yaml', {}, () => true)).toBe(path.join(shared, 'crds/a.yaml'));
    expect(upstreamPath('crds/a.yaml', { ATLS_UPSTREAM_DIR: '/data/up' }, () => false)).toBe('/data/up/crds/a.yaml');
  });

  test('npx projen upstream writes into ATLS_UPSTREAM_DIR, else .cache/upstream (never ../shared)', () => {
    expect(upstreamOut({ ATLS_UPSTREAM_DIR: '/data/up' })).toBe('/data/up');
    expect(upstreamOut({})).toBe(cache);
  });

  test('every CRD file of imports/sources.json and every reference render counts', () => {
    expect(REQUIRED).toEqual(expect.arrayContaining(['crds/nfd-v0.19.0-api-crds.yaml', 'reference/nfd-v0.19.0-overlays-default.yaml']));
    expect(missingUpstream({}, () => false)).toEqual(REQUIRED);
    // A file in either directory is found; one in neither is missing.
    const lacking = REQUIRED[REQUIRED.length - 1];
    expect(missingUpstream({}, (p: string) => !p.endsWith(lacking))).toEqual([lacking]);
  });
});

describe('whether the upstream tests run', () => {
  test('with every file: they run', () => {
    expect(upstreamGate('/d', [], false)).toBe(true);
    expect(upstreamGate('/d', [], true)).toBe(true);
  });

  test('with a file missing: skipped, or (ATLS_REQUIRE_UPSTREAM=1, as in CI) an error naming it and the command', () => {
    expect(upstreamGate('/d', ['crds/x.yaml'], false)).toBe(false);
    expect(() => upstreamGate('/d', ['crds/x.yaml'], true)).toThrow(/ATLS_REQUIRE_UPSTREAM=1 but \/d lack crds\/x\.yaml: run `npx projen upstream`/);
  });
});
