import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { CryptoMbAffinity, NodeFeatureDiscovery } from '../../src';

/** Synthesizes `app` as `cdk8s synth` does and returns file name -> kinds. */
function files(define: (app: App) => void): Record<string, string[]> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-crds-'));
  try {
    const app = new App({ outdir });
    define(app);
    app.synth();
    return Object.fromEntries(fs.readdirSync(outdir).sort().map((f) => [f,
      YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJSON()?.kind).filter(Boolean)]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('CRDs get a file of their own that sorts first, even before charts created earlier', () => {
  const out = files((app) => {
    new Chart(app, 'first');
    new k8s.KubeConfigMap(new Chart(app, 'before'), 'cm', { data: { a: 'b' } });
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    new k8s.KubeConfigMap(new Chart(app, 'after'), 'cm2', { data: { a: 'b' } });
  });
  const names = Object.keys(out);
  expect(names[0]).toBe('0000-crds.k8s.yaml');
  expect(out[names[0]]).toEqual(['CustomResourceDefinition', 'CustomResourceDefinition', 'CustomResourceDefinition']);
  for (const f of names.slice(1)) expect({ f, kinds: out[f].filter((k) => k === 'CustomResourceDefinition') }).toEqual({ f, kinds: [] });
  expect(names.slice(1)).toEqual(['0001-first.k8s.yaml', '0002-before.k8s.yaml', '0003-features.k8s.yaml', '0004-after.k8s.yaml']);
  expect(out['0003-features.k8s.yaml']).toContain('NodeFeatureRule');
});

test('nested charts come after the CRDs too', () => {
  const out = files((app) => {
    const outer = new Chart(app, 'outer');
    new k8s.KubeConfigMap(new Chart(outer, 'inner'), 'cm', { data: { a: 'b' } });
    new NodeFeatureDiscovery(new Chart(app, 'nfd'), 'nfd');
  });
  expect(Object.keys(out)[0]).toBe('0000-crds.k8s.yaml');
});

test('without the dependencies the CRDs would not sort first (negative control)', () => {
  // The same charts, the `crds` one made by hand: cdk8s orders it by creation.
  const out = files((app) => {
    const first = new Chart(app, 'first');
    new Chart(app, 'second').node.addDependency(first);
    new k8s.KubeConfigMap(new Chart(app, 'crds'), 'cm', { data: { a: 'b' } });
  });
  expect(Object.keys(out)).toEqual(['0000-first.k8s.yaml', '0001-second.k8s.yaml', '0002-crds.k8s.yaml']);
});

test('only the charts cdk8s would emit before the CRDs depend on them', () => {
  // cdk8s copies a chart dependency onto every pair of objects, so a big chart created after
  // `crds` must not get one: its cost grew with the chart.
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'atls-crds-')) });
  const first = new Chart(app, 'first');
  const features = new Chart(app, 'features');
  new CryptoMbAffinity(features, 'cryptomb');
  const after = new Chart(app, 'after');
  new k8s.KubeConfigMap(after, 'cm', { data: { a: 'b' } });
  app.synth();
  const crds = app.node.findChild('crds');
  expect([first, features, after].map((c) => c.node.dependencies.includes(crds))).toEqual([true, true, false]);
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

test('where an object depends on a chart itself, every chart depends on the CRDs (the charts alone do not tell the order)', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'atls-crds-')) });
  new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
  const [a, b, c] = ['a', 'b', 'c'].map((id) => new Chart(app, id));
  new k8s.KubeConfigMap(b, 'cm', { data: { a: 'b' } }).node.addDependency(a);
  c.node.addDependency(b);
  app.synth();
  const crds = app.node.findChild('crds');
  expect([a, b, c].map((x) => x.node.dependencies.includes(crds))).toEqual([true, true, true]);
  expect(fs.readdirSync(app.outdir).sort()[0]).toBe('0000-crds.k8s.yaml');
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

test('a later chart that an earlier one depends on comes after the CRDs too', () => {
  const out = files((app) => {
    const first = new Chart(app, 'first');
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    const late = new Chart(app, 'late');
    new k8s.KubeConfigMap(late, 'cm', { data: { a: 'b' } });
    // A construct's dependency becomes its chart's.
    new k8s.KubeConfigMap(first, 'cm', { data: { a: 'b' } }).node.addDependency(late);
  });
  expect(Object.keys(out)).toEqual(['0000-crds.k8s.yaml', '0001-late.k8s.yaml', '0002-first.k8s.yaml', '0003-features.k8s.yaml']);
});

test('a chart whose id is an array index, which cdk8s takes first, comes after the CRDs too', () => {
  const out = files((app) => {
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    new k8s.KubeConfigMap(new Chart(app, '7'), 'cm', { data: { a: 'b' } });
  });
  expect(Object.keys(out)).toEqual(['0000-crds.k8s.yaml', '0001-7.k8s.yaml', '0002-features.k8s.yaml']);
});

test('when no chart comes before the CRDs, the files are numbered all the same; a chart `crds` depends on gets no dependency', () => {
  expect(Object.keys(files((app) => {
    new Chart(app, 'crds');
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
  }))).toEqual(['0000-crds.k8s.yaml', '0001-features.k8s.yaml']);
  // The same with the later chart nested in a plain construct.
  const nested = Object.keys(files((app) => {
    new Chart(app, 'crds');
    new CryptoMbAffinity(new Chart(new Construct(app, 'group'), 'features'), 'cryptomb');
  }));
  expect(nested).toHaveLength(2);
  expect(nested[0]).toBe('0000-crds.k8s.yaml');
  expect(nested[1]).toMatch(/^0001-group-features-[0-9a-f]+\.k8s\.yaml$/);
  // `crds` depending on `base` makes `base` come first; a dependency back would be a cycle.
  expect(Object.keys(files((app) => {
    const base = new Chart(app, 'base');
    new Chart(app, 'crds').node.addDependency(base);
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
  }))).toEqual(['0000-base.k8s.yaml', '0001-crds.k8s.yaml', '0002-features.k8s.yaml']);
});

test('the orders those rules rely on (negative controls: hand-made charts, no library)', () => {
  // An earlier chart's dependencies are emitted in the order they were added: `late` before `crds`.
  expect(Object.keys(files((app) => {
    const first = new Chart(app, 'first');
    const crds = new Chart(app, 'crds');
    const late = new Chart(app, 'late');
    first.node.addDependency(late, crds);
  }))).toEqual(['0000-late.k8s.yaml', '0001-crds.k8s.yaml', '0002-first.k8s.yaml']);
  // An array-index id goes first whatever the creation order.
  expect(Object.keys(files((app) => {
    const crds = new Chart(app, 'crds');
    new Chart(app, 'other').node.addDependency(crds);
    new Chart(app, '7');
  }))).toEqual(['0000-7.k8s.yaml', '0001-crds.k8s.yaml', '0002-other.k8s.yaml']);
});

test('an existing chart `crds` is used; a construct `crds` that is not a Chart is an error', () => {
  const app = Testing.app();
  const mine = new Chart(app, 'crds');
  new NodeFeatureDiscovery(new Chart(app, 'nfd'), 'nfd');
  expect(mine.node.findAll().filter((c) => c instanceof k8s.KubeCustomResourceDefinition)).toHaveLength(3);

  const bad = Testing.app();
  new Construct(bad, 'crds');
  expect(() => new NodeFeatureDiscovery(new Chart(bad, 'nfd'), 'nfd'))
    .toThrow("nfd/nfd: [ATLS-APP003] id: the app's construct 'crds' (crds) is not a Chart: it is where the app's CustomResourceDefinitions go");
});

test('no chart `crds` without CRDs: installCrds false, useExisting, and an implicit instance replaced', () => {
  expect(Object.keys(files((app) => new NodeFeatureDiscovery(new Chart(app, 'nfd'), 'nfd', { installCrds: false })))).toEqual(['nfd.k8s.yaml']);
  expect(Object.keys(files((app) => {
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    NodeFeatureDiscovery.useExisting(app);
  }))).toEqual(['features.k8s.yaml']);
  const replaced = files((app) => {
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    new NodeFeatureDiscovery(new Chart(app, 'nfd'), 'nfd', { installCrds: false });
  });
  expect(Object.keys(replaced)).toEqual(['0000-nfd.k8s.yaml', '0001-features.k8s.yaml']);
  expect(Object.values(replaced).flat()).not.toContain('CustomResourceDefinition');
});

test('in any layout of charts, dependencies and ids, the CRDs come first (property)', () => {
  const layout = fc.record({
    charts: fc.array(fc.record({
      // Where the chart goes: under the app, in a plain construct, or in the chart before it.
      place: fc.constantFrom('root', 'construct', 'nested'),
      numericId: fc.boolean(),
    }), { minLength: 1, maxLength: 5 }),
    crdsAt: fc.nat(5),
    // The app's own chart `crds`, made first (so no chart comes before it).
    crdsFirst: fc.boolean(),
    // [i, j, from]: chart i depends on chart j < i (acyclic), from the chart itself or from an object in it.
    deps: fc.array(fc.tuple(fc.nat(4), fc.nat(4), fc.boolean()), { maxLength: 4 }),
  });
  fc.assert(fc.property(layout, ({ charts, crdsAt, crdsFirst, deps }) => {
    const names = Object.keys(files((app) => {
      if (crdsFirst) new Chart(app, 'crds');
      const made: Chart[] = [];
      charts.forEach((c, i) => {
        if (i === Math.min(crdsAt, charts.length)) new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
        const id = c.numericId ? String(i * 7) : `c${i}`;
        const scope = c.place === 'construct' ? new Construct(app, `g${i}`) : c.place === 'nested' && i > 0 ? made[i - 1] : app;
        const chart = new Chart(scope, id);
        new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: `cm-${i}` } });
        made.push(chart);
      });
      if (crdsAt >= charts.length) new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
      for (const [a, b, fromObject] of deps) {
        // A nested chart depending on a chart it is nested in would be a cycle (cdk8s refuses it).
        if (a >= made.length || b >= a || made[a].node.scopes.includes(made[b])) continue;
        (fromObject ? made[a].node.findChild('cm') : made[a]).node.addDependency(made[b]);
      }
    }));
    expect(names[0]).toBe('0000-crds.k8s.yaml');
  }), { numRuns: 60 });
});
