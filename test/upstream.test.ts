import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamGate } from './util/upstream';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { REQUIRED, locateUpstream, missingUpstream } = require('../upstream/locate');
const root = path.resolve(__dirname, '..');

describe('where the upstream data is looked for', () => {
  test('ATLS_UPSTREAM_DIR first, then ../shared/upstream when present, then .cache/upstream', () => {
    expect(locateUpstream({ ATLS_UPSTREAM_DIR: '/data/up' }, () => true)).toBe('/data/up');
    expect(locateUpstream({}, () => true)).toBe(path.resolve(root, '..', 'shared', 'upstream'));
    expect(locateUpstream({}, () => false)).toBe(path.join(root, '.cache', 'upstream'));
  });

  test('every CRD file of imports/sources.json and every reference render counts', () => {
    expect(REQUIRED).toEqual(expect.arrayContaining(['crds/nfd-v0.19.0-api-crds.yaml', 'reference/nfd-v0.19.0-overlays-default.yaml']));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-up-'));
    expect(missingUpstream(empty)).toEqual(REQUIRED);
    fs.rmSync(empty, { recursive: true });
  });
});

describe('whether the upstream tests run', () => {
  test('with every file: they run', () => {
    expect(upstreamGate('/d', [], false)).toBe(true);
    expect(upstreamGate('/d', [], true)).toBe(true);
  });

  test('with a file missing: skipped, or (ATLS_REQUIRE_UPSTREAM=1, as in CI) an error naming it and the command', () => {
    expect(upstreamGate('/d', ['crds/x.yaml'], false)).toBe(false);
    expect(() => upstreamGate('/d', ['crds/x.yaml'], true)).toThrow(/ATLS_REQUIRE_UPSTREAM=1 but \/d lacks crds\/x\.yaml: run `npx projen upstream`/);
  });
});
