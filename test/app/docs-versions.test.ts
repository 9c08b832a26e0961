// The Envoy Gateway chart the docs tell users to install is the release the library pins and
// tests (Versions.ENVOY_GATEWAY), in every helm command of the README and docs/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Versions } from '../../src';

const ROOT = path.join(__dirname, '..', '..');
const CHART = /oci:\/\/docker\.io\/envoyproxy\/gateway-helm\s+--version\s+(\S+)/g;

function pages(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? pages(rel) : e.name.endsWith('.md') ? [rel] : [];
  });
}

/** Each `helm install|upgrade ... gateway-helm --version X` of the text, as `file: X`. */
function chartVersions(file: string, text: string): string[] {
  return [...text.matchAll(CHART)].map((m) => `${file}: ${m[1]}`);
}

test('every helm command of the README and docs/ installs the pinned Envoy Gateway chart', () => {
  const found = ['README.md', ...pages('docs')].flatMap((f) => chartVersions(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
  expect(found.length).toBeGreaterThanOrEqual(2); // the README's install and the upgrade in docs/envoy-gateway.md
  expect(found.filter((f) => !f.endsWith(`: ${Versions.ENVOY_GATEWAY}`))).toEqual([]);
});

test('another chart version is found (the control)', () => {
  const text = 'helm upgrade eg oci://docker.io/envoyproxy/gateway-helm --version v1.8.0 \\\n  -n envoy-gateway-system';
  expect(chartVersions('x.md', text)).toEqual(['x.md: v1.8.0']);
});
