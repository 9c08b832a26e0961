// The shape of cdk8s init's template test: it imports MyChart from main.ts (compiled, not run).
import { Testing } from 'cdk8s';
import { MyChart } from './main';

export function synthMyChart(): any[] {
  return Testing.synth(new MyChart(Testing.app(), 'test-chart'));
}
