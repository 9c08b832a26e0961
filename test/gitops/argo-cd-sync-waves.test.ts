import { Chart, Testing } from 'cdk8s';
import { defineEdge } from '../../examples/edge';
import { ArgoCdSyncWaves } from '../../src';
import { synthApp } from '../util';

const WAVE = 'argocd.argoproj.io/sync-wave';
const OPTIONS = 'argocd.argoproj.io/sync-options';
const annotations = (o: any) => o.metadata.annotations ?? {};
const id = (o: any) => `${o.kind}/${o.metadata.name}`;

function example(declare: 'before' | 'after' | 'none', props = {}): any[] {
  const app = Testing.app();
  if (declare === 'before') new ArgoCdSyncWaves(new Chart(app, 'argo'), 'waves', props);
  defineEdge(app);
  if (declare === 'after') new ArgoCdSyncWaves(new Chart(app, 'argo'), 'waves', props);
  return synthApp(app);
}

describe.each(['before', 'after'] as const)('declared %s the example', (declare) => {
  const objects = example(declare);

  test('CRDs in wave -1, before everything else', () => {
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((o) => o.metadata.name).sort()).toEqual(['nodefeaturegroups.nfd.k8s-sigs.io', 'nodefeaturerules.nfd.k8s-sigs.io', 'nodefeatures.nfd.k8s-sigs.io']);
    for (const crd of crds) expect(annotations(crd)[WAVE]).toBe('-1');
  });

  test('custom resources in wave 0 with SkipDryRunOnMissingResource; core objects untouched', () => {
    const custom = objects.filter((o) => /(\.|^)(k8s-sigs\.io|gateway\.networking\.k8s\.io|gateway\.envoyproxy\.io|cert-manager\.io)\//.test(o.apiVersion));
    expect(new Set(custom.map((o) => o.kind))).toEqual(new Set(['GatewayClass', 'EnvoyProxy', 'Gateway', 'TCPRoute', 'EnvoyPatchPolicy', 'NodeFeatureRule']));
    for (const o of custom) {
      expect([id(o), annotations(o)[WAVE], annotations(o)[OPTIONS]]).toEqual([id(o), '0', 'SkipDryRunOnMissingResource=true']);
    }
    const core = objects.filter((o) => !custom.includes(o) && o.kind !== 'CustomResourceDefinition');
    expect(core.length).toBeGreaterThan(10);
    for (const o of core) expect([id(o), annotations(o)[WAVE], annotations(o)[OPTIONS]]).toEqual([id(o), undefined, undefined]);
  });
});

test('without ArgoCdSyncWaves no Argo CD annotation is written (the control)', () => {
  const argo = example('none').filter((o) => Object.keys(annotations(o)).some((k) => k.startsWith('argocd.argoproj.io/')));
  expect(argo).toEqual([]);
});

test('waves and the dry-run option follow the props; existing sync options are kept, never doubled', () => {
  const app = Testing.app();
  defineEdge(app);
  const gateway = app.node.findAll().find((c: any) => c.kind === 'Gateway' && c.name === 'eg-qat') as any;
  gateway.metadata.addAnnotation(OPTIONS, 'Prune=false,SkipDryRunOnMissingResource=true');
  new ArgoCdSyncWaves(new Chart(app, 'argo'), 'waves', { crdWave: -5, customResourceWave: 2 });
  const objects = synthApp(app);
  expect(annotations(objects.find((o) => o.kind === 'CustomResourceDefinition'))[WAVE]).toBe('-5');
  expect(annotations(objects.find((o) => o.kind === 'EnvoyProxy'))[WAVE]).toBe('2');
  expect(annotations(objects.find((o) => o.kind === 'Gateway' && o.metadata.name === 'eg-qat'))[OPTIONS]).toBe('Prune=false,SkipDryRunOnMissingResource=true');

  const off = example('after', { skipDryRunOnMissingResource: false });
  expect(off.filter((o) => annotations(o)[OPTIONS] !== undefined)).toEqual([]);
  expect(annotations(off.find((o) => o.kind === 'NodeFeatureRule'))[WAVE]).toBe('0');
});

test.each<[object, RegExp]>([
  [{ crdWave: 0.5 }, /argo\/waves: \[ATLS-ARGO001\] crdWave: a sync wave is an integer, not 0.5/],
  [{ customResourceWave: Number.NaN }, /argo\/waves: \[ATLS-ARGO001\] customResourceWave: a sync wave is an integer/],
  [{ crdWave: 3, customResourceWave: 3 }, /argo\/waves: \[ATLS-ARGO001\] customResourceWave: must be above crdWave \(3\)/],
])('bad props %j are a clear error', (props, message) => {
  expect(() => new ArgoCdSyncWaves(new Chart(Testing.app(), 'argo'), 'waves', props)).toThrow(message);
});

test('one per app', () => {
  const app = Testing.app();
  new ArgoCdSyncWaves(new Chart(app, 'argo'), 'waves');
  expect(() => new ArgoCdSyncWaves(new Chart(app, 'again'), 'waves')).toThrow(/again\/waves: \[ATLS-APP002\] id: ArgoCdSyncWaves exists once per app/);
});
