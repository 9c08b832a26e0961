import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppRegistry } from '../../src/core/app-registry';

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
