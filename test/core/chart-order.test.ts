// The chart order worked out without cdk8s's graph of every construct, against cdk8s's own.
import { App, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { chartOrder, liftChartDependencies } from '../../src/core/chart-order';

/** An app of charts placed at random (under the app, in a plain construct, in another chart), with random dependencies. */
const layouts = fc.record({
  charts: fc.array(fc.record({ place: fc.constantFrom('root', 'construct', 'nested'), numericId: fc.boolean() }), { minLength: 1, maxLength: 6 }),
  // [i, j, kind]: chart i depends on chart j < i, an object of chart i on an object of chart j,
  // or a plain construct of chart i on one of chart j.
  deps: fc.array(fc.tuple(fc.nat(5), fc.nat(5), fc.constantFrom('chart', 'object', 'construct')), { maxLength: 6 }),
});

function build({ charts, deps }: fc.RecordValue<typeof layouts extends fc.Arbitrary<infer T> ? T : never>): App {
  const app = Testing.app();
  const made: Chart[] = [];
  charts.forEach((c, i) => {
    const scope = c.place === 'construct' ? new Construct(app, `g${i}`) : c.place === 'nested' && i > 0 ? made[i - 1] : app;
    const chart = new Chart(scope, c.numericId ? String(i * 7) : `c${i}`);
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: `cm-${i}` } });
    new Construct(chart, 'plain');
    made.push(chart);
  });
  for (const [a, b, from] of deps) {
    if (a >= made.length || b >= a || made[a].node.scopes.includes(made[b])) continue;
    const part = (c: Chart) => (from === 'chart' ? c : c.node.findChild(from === 'object' ? 'cm' : 'plain'));
    part(made[a]).node.addDependency(part(made[b]));
  }
  return app;
}

test('chartOrder is the order of App.charts, in any layout where only charts depend on charts (property)', () => {
  fc.assert(fc.property(layouts, (layout) => {
    const app = build(layout);
    const all = app.node.findAll();
    expect(liftChartDependencies(all).onChart).toBe(false);
    const ours = chartOrder(all).map((c) => c.node.path);
    // After synthesis, with every dependency cdk8s adds (down to pairs of objects).
    app.synthYaml();
    expect(ours).toEqual(app.charts.map((c) => c.node.path));
  }), { numRuns: 300 });
});

test('lifted dependencies are those cdk8s adds: synthesizing adds none', () => {
  fc.assert(fc.property(layouts, (layout) => {
    const app = build(layout);
    const all = app.node.findAll();
    liftChartDependencies(all);
    const charts = all.filter((c): c is Chart => c instanceof Chart);
    const before = charts.map((c) => c.node.dependencies.length);
    app.synthYaml();
    expect(charts.map((c) => c.node.dependencies.length)).toEqual(before);
  }), { numRuns: 100 });
});

test('an object depending on a chart itself is reported: its order depends on every object (negative control)', () => {
  // c2's object depends on c0 itself; c4 depends on c2. Before cdk8s copies c4's dependency onto
  // their objects, that object is a root of the graph and takes c0 early; after, it is not.
  const app = Testing.app();
  const c = [0, 1, 2, 3, 4].map((i) => new Chart(app, `c${i}`));
  const objects = c.map((chart, i) => new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: `cm-${i}` } }));
  c[4].node.addDependency(c[2]);
  objects[2].node.addDependency(c[0]);
  const all = app.node.findAll();
  expect(liftChartDependencies(all)).toEqual({ numbered: true, onChart: true });
  const before = app.charts.map((x) => x.node.id);
  app.synthYaml();
  expect(app.charts.map((x) => x.node.id)).not.toEqual(before);
});

test('without lifting, the order can differ (negative control)', () => {
  const app = Testing.app();
  const first = new Chart(app, 'first');
  const second = new Chart(app, 'second');
  new k8s.KubeConfigMap(first, 'cm', { metadata: { name: 'a' } }).node.addDependency(second);
  const all = app.node.findAll();
  expect(chartOrder(all).map((c) => c.node.id)).toEqual(['first', 'second']);
  liftChartDependencies(all);
  expect(chartOrder(all).map((c) => c.node.id)).toEqual(['second', 'first']);
  expect(app.charts.map((c) => c.node.id)).toEqual(['second', 'first']);
});
