// The Argo CD and Flux recipes in examples/gitops: valid against the controllers' own CRD schemas
// (nothing pruned), wired in the order the manifests need, and the Flux layout applied to the
// example's real output.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { defineEdge } from '../../examples/edge';
import { Versions } from '../../src';
import { describeUpstream } from '../util';
import { prune, upstreamCrds, validatorOf } from '../util/crd-schema';

const dir = path.join(__dirname, '..', '..', 'examples', 'gitops');
const docs = (file: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => d.toJSON());
const argo = docs('argocd/applications.yaml');
const fluxEg = docs('flux/envoy-gateway.yaml');
const kustomizations = docs('flux/kustomizations.yaml');
const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const ENABLE_EPP = { config: { envoyGateway: { extensionApis: { enableEnvoyPatchPolicy: true } } } };

describeUpstream('every object is valid for its controller\'s CRD, and nothing is pruned', () => {
  const crds = {
    ...upstreamCrds('argo-cd-v3.2.0-application-crd.yaml', 'reference'),
    ...upstreamCrds('flux-kustomize-controller-v1.7.3-kustomizations-crd.yaml', 'reference'),
    ...upstreamCrds('flux-helm-controller-v1.4.3-helmreleases-crd.yaml', 'reference'),
    ...upstreamCrds('flux-source-controller-v1.7.3-ocirepositories-crd.yaml', 'reference'),
  };
  const schemaFor = (o: any) => {
    const crd = Object.values(crds).find((c: any) => c.spec.names.kind === o.kind && `${c.spec.group}/` === o.apiVersion.replace(/[^/]+$/, ''));
    const version = crd?.spec.versions.find((v: any) => `${crd.spec.group}/${v.name}` === o.apiVersion);
    if (!version?.served) throw new Error(`no served CRD version for ${o.apiVersion} ${o.kind}`);
    return version.schema.openAPIV3Schema;
  };
  test.each([...argo, ...fluxEg, ...kustomizations].map((o) => [`${o.kind} ${o.metadata.name}`, o]))('%s', (_, o) => {
    const schema = schemaFor(o);
    expect(validatorOf(schema)(o)).toEqual([]);
    expect(prune(schema, o)).toEqual(o);
  });

  test('the checks catch a misspelt field and a wrong type (the control)', () => {
    const k = JSON.parse(JSON.stringify(kustomizations[2]));
    k.spec.dependsOn = 'envoy-gateway';
    expect(validatorOf(schemaFor(k))(k)).not.toEqual([]);
    const a = JSON.parse(JSON.stringify(argo[1]));
    a.spec.syncPolicy.syncOption = a.spec.syncPolicy.syncOptions;
    expect(prune(schemaFor(a), a)).not.toEqual(a);
  });
});

test('Envoy Gateway: the chart version of the README\'s helm command, EnvoyPatchPolicy enabled', () => {
  const helmVersion = /oci:\/\/docker\.io\/envoyproxy\/gateway-helm --version (v[0-9.]+)/.exec(readme)?.[1];
  expect(helmVersion).toBe(Versions.ENVOY_GATEWAY);
  const app = argo.find((o) => o.metadata.name === 'envoy-gateway');
  expect([app.spec.source.targetRevision, app.spec.source.helm.valuesObject]).toEqual([helmVersion, ENABLE_EPP]);
  const [oci, release] = fluxEg;
  expect([oci.spec.ref.tag, release.spec.values]).toEqual([helmVersion, ENABLE_EPP]);
  expect(release.spec.chartRef).toEqual({ kind: oci.kind, name: oci.metadata.name });
});

test('Argo CD: Envoy Gateway in an earlier wave; both sync server-side', () => {
  const wave = (name: string) => Number(argo.find((o) => o.metadata.name === name).metadata.annotations['argocd.argoproj.io/sync-wave']);
  expect(wave('envoy-gateway')).toBeLessThan(wave('accelerated-tls'));
  for (const a of argo) expect(a.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
});

test('Flux: the app waits for Envoy Gateway and the CRDs, each Kustomization waits for health, no cycle', () => {
  const byName = new Map(kustomizations.map((k) => [k.metadata.name, k]));
  expect(byName.get('accelerated-tls').spec.dependsOn.map((d: any) => d.name).sort()).toEqual(['accelerated-tls-crds', 'envoy-gateway']);
  const order: string[] = [];
  const visit = (name: string, seen: string[]) => {
    expect(seen).not.toContain(name);
    for (const d of byName.get(name)!.spec.dependsOn ?? []) {
      expect(byName.has(d.name)).toBe(true);
      visit(d.name, [...seen, name]);
    }
    if (!order.includes(name)) order.push(name);
  };
  for (const name of byName.keys()) visit(name, []);
  expect(order.indexOf('accelerated-tls')).toBe(2);
  for (const k of kustomizations) expect(k.spec.wait).toBe(true);
});

test('Flux layout: the example\'s CRDs alone in deploy/crds, everything else in deploy/app, the paths the Kustomizations use', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-flux-'));
  const out = path.join(work, 'manifests');
  // The example as `cdk8s synth` writes it (the compiled example's two-process run is example.test.ts's).
  const app = new App({ outdir: out });
  defineEdge(app);
  app.synth();
  execFileSync('bash', [path.join(dir, 'flux', 'layout.sh'), out, path.join(work, 'deploy')]);
  const kinds = (sub: string) => fs.readdirSync(path.join(work, 'deploy', sub)).flatMap((f) =>
    YAML.parseAllDocuments(fs.readFileSync(path.join(work, 'deploy', sub, f), 'utf8')).map((d) => d.toJSON()?.kind).filter(Boolean));
  expect(new Set(kinds('crds'))).toEqual(new Set(['CustomResourceDefinition']));
  expect(kinds('app')).not.toContain('CustomResourceDefinition');
  expect(kinds('app').length).toBeGreaterThan(20);
  expect(kinds('envoy-gateway')).toEqual(['OCIRepository', 'HelmRelease']);
  expect(kustomizations.map((k) => k.spec.path).sort()).toEqual(['./deploy/app', './deploy/crds', './deploy/envoy-gateway']);
  // An empty argument is refused before anything is removed (it would make the paths absolute).
  const empty = spawnSync('bash', [path.join(dir, 'flux', 'layout.sh'), out, ''], { encoding: 'utf8' });
  expect([empty.status, empty.stderr]).toEqual([1, expect.stringContaining('usage: layout.sh <cdk8s output dir> <deploy dir>')]);
  fs.rmSync(work, { recursive: true, force: true });
});
