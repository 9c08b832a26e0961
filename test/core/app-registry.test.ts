import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppRegistry, EditStage } from '../../src/core/app-registry';

const configMap = (scope: Construct, id: string, name = 'x') => new k8s.KubeConfigMap(scope, id, { metadata: { name, namespace: 'n' } });

describe('the app-wide checks run again whenever the tree changed', () => {
  test('an object added deep in the tree after a first synth is checked (ATLS-APP001)', () => {
    const app = Testing.app();
    AppRegistry.of(app);
    const team = new Construct(new Chart(app, 'c'), 'team');
    configMap(team, 'a');
    expect(() => app.synthYaml()).not.toThrow();
    // Same charts, same number of children per chart: only the tree below tells the change.
    configMap(team, 'b');
    expect(() => app.synthYaml()).toThrow(/c\/team\/b: \[ATLS-APP001\] metadata.name: ConfigMap 'n\/x' is also defined by c\/team\/a/);
  });

  test('an unchanged app runs them once, although cdk8s validates it once more per chart', () => {
    const app = Testing.app();
    let runs = 0;
    AppRegistry.of(app).addCheck(() => {
      runs++;
      return [];
    });
    for (const id of ['a', 'b', 'c']) configMap(new Chart(app, id), 'cm', id);
    app.synthYaml();
    expect(runs).toBe(1);
    configMap(new Chart(app, 'd'), 'cm', 'd');
    app.synthYaml();
    expect(runs).toBe(2);
  });
});

describe('edits made before synthesis are an ordered list apart from the checks', () => {
  test('edits run stage by stage, in a stage in the order added, and all before the checks', () => {
    const app = Testing.app();
    const reg = AppRegistry.of(app);
    const seen: string[] = [];
    reg.addCheck(() => {
      seen.push('check');
      return [];
    });
    reg.addEdit(EditStage.ANNOTATIONS, () => seen.push('annotate 1'));
    reg.addEdit(EditStage.CHART_ORDER, () => seen.push('order'));
    reg.addEdit(EditStage.ANNOTATIONS, () => seen.push('annotate 2'));
    configMap(new Chart(app, 'c'), 'cm');
    app.synthYaml();
    expect(seen).toEqual(['order', 'annotate 1', 'annotate 2', 'check']);
    // Nothing changed: neither runs again.
    app.synthYaml();
    expect(seen).toHaveLength(4);
  });

  test('what an edit writes is in the synthesized objects', () => {
    const app = Testing.app();
    const cm = configMap(new Chart(app, 'c'), 'cm');
    AppRegistry.of(app).addEdit(EditStage.ANNOTATIONS, () => cm.metadata.addAnnotation('edited', 'yes'));
    expect(app.synthYaml()).toContain('edited: "yes"');
  });
});

describe('the app finds its constructs by class', () => {
  class Owner extends Construct {
    constructor(scope: Construct, id: string, public readonly fact: string) {
      super(scope, id);
      AppRegistry.of(this).claim(Owner, this);
    }
  }
  class Other extends Construct {}

  test('a singleton is found by its class, and its facts are its own properties', () => {
    const app = Testing.app();
    const reg = AppRegistry.of(app);
    expect(reg.lookup(Owner)).toBeUndefined();
    const owner = new Owner(new Chart(app, 'c'), 'owner', 'the fact');
    expect(reg.lookup(Owner)).toBe(owner);
    expect(reg.lookup(Owner)?.fact).toBe('the fact');
    // Another class is another key, and so is the same class in another app.
    expect(reg.lookup(Other)).toBeUndefined();
    expect(AppRegistry.of(Testing.app()).lookup(Owner)).toBeUndefined();
    expect(() => new Owner(new Chart(app, 'd'), 'again', 'x')).toThrow(/d\/again: \[ATLS-APP002\] id: Owner exists once per app; c\/owner already defines it/);
  });

  test('an implicit instance gives way to an explicit one, and to a declaration that it exists outside the app', () => {
    const app = Testing.app();
    const reg = AppRegistry.of(app);
    const chart = new Chart(app, 'c');
    const implicit = reg.ensure(Owner, () => new Owner(chart, 'implicit', 'made on its own'));
    expect(reg.ensure(Owner, () => new Owner(chart, 'never', 'x'))).toBe(implicit);
    const explicit = new Owner(chart, 'explicit', 'declared');
    expect(reg.lookup(Owner)).toBe(explicit);
    expect(chart.node.tryFindChild('implicit')).toBeUndefined();
    expect(() => reg.claimExisting(Owner, chart, 'useExisting')).toThrow(/c: \[ATLS-APP002\] useExisting: the app already has Owner at c\/explicit/);

    const other = Testing.app();
    const oreg = AppRegistry.of(other);
    const ochart = new Chart(other, 'c');
    oreg.ensure(Owner, () => new Owner(ochart, 'implicit', 'x'));
    oreg.claimExisting(Owner, ochart, 'useExisting');
    expect(oreg.isExisting(Owner)).toBe(true);
    expect(oreg.lookup(Owner)).toBeUndefined();
    expect(ochart.node.tryFindChild('implicit')).toBeUndefined();
    expect(() => new Owner(ochart, 'late', 'x')).toThrow(/c\/late: \[ATLS-APP002\] id: Owner exists once per app; the app declared it existing \(useExisting\)/);
  });
});
