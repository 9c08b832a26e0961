import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry, EditStage } from './app-registry';
import { chartOrder, liftChartDependencies } from './chart-order';
import { ruleError } from './rules';

/** @internal id of the app's chart of CustomResourceDefinitions (and so its file name). */
export const CRD_CHART_ID = 'crds';

const ordered = new WeakSet<Chart>();

/**
 * @internal The app's chart `crds`, which holds every CustomResourceDefinition the library emits
 * (created when absent; an existing Chart of that id is used as is). It is ordered before every
 * other chart, so cdk8s synthesizes it first (`0000-crds.k8s.yaml`): a CRD must be applied and
 * Established before any object of its kind, and kubectl, Argo CD and Flux each fail on a file
 * that mixes the two on a fresh cluster.
 */
export function crdChart(scope: IConstruct): Chart {
  const root = scope.node.root as Construct;
  const existing = root.node.tryFindChild(CRD_CHART_ID);
  if (existing !== undefined && !(existing instanceof Chart)) {
    throw ruleError('ATLS-APP003', scope, 'id', `the app's construct '${CRD_CHART_ID}' (${existing.node.path}) is not a Chart: it is where the app's CustomResourceDefinitions go`);
  }
  const chart = existing ?? new Chart(root, CRD_CHART_ID);
  if (!ordered.has(chart)) {
    ordered.add(chart);
    // Charts created later count too: the dependencies are added when the app is validated,
    // which cdk8s does before it orders and names the files.
    AppRegistry.of(chart).addEdit(EditStage.CHART_ORDER, () => {
      if (root.node.tryFindChild(CRD_CHART_ID) === chart) dependOn(root, chart);
    });
  }
  return chart;
}

/**
 * Makes the charts that cdk8s would otherwise write before `crds` depend on it, until none is
 * left (the charts `crds` itself depends on come first of necessity). Not every chart: cdk8s
 * copies each chart dependency onto every pair of objects of the two charts, on every chart it
 * writes, so a dependency costs as much as the dependent chart is big. When no chart depends on
 * another, the one written after `crds` depends on it all the same, so the files are numbered
 * and `crds` is `0000`. An app where a construct other than a chart depends on a chart itself
 * is ordered by cdk8s's graph of every object, which the charts alone do not tell: there every
 * chart depends on `crds`.
 */
function dependOn(root: IConstruct, crds: Chart): void {
  const all = root.node.findAll();
  const lifted = liftChartDependencies(all);
  const firstAnyway = dependenciesOf(crds);
  const inCrds = new Set(crds.node.findAll());
  const charts = all.filter((c): c is Chart => c instanceof Chart && !firstAnyway.has(c) && !inCrds.has(c));
  if (lifted.onChart) {
    charts.forEach((c) => c.node.addDependency(crds));
    return;
  }
  let numbered = lifted.numbered;
  // Each round gives at least one more chart the dependency (a chart that has it comes after
  // `crds`), so the rounds end; the bound only guards against a mistake here.
  for (let round = 0; round <= charts.length; round++) {
    const order = chartOrder(all);
    const at = order.indexOf(crds);
    const early = order.slice(0, at).filter((c) => !firstAnyway.has(c));
    // Without any dependency cdk8s would not number the files: the chart written next gets one.
    const next = early.length === 0 && !numbered ? order[at + 1] : undefined;
    if (early.length === 0 && next === undefined) return;
    [...early, ...(next ? [next] : [])].forEach((c) => c.node.addDependency(crds));
    numbered = true;
  }
  throw new Error(`${crds.node.path}: the charts could not be ordered after it`);
}

/** `from` and every construct it depends on, transitively. */
function dependenciesOf(from: IConstruct): Set<IConstruct> {
  const seen = new Set<IConstruct>([from]);
  const todo = [from];
  while (todo.length > 0) {
    for (const d of todo.pop()!.node.dependencies) {
      if (!seen.has(d)) {
        seen.add(d);
        todo.push(d);
      }
    }
  }
  return seen;
}

/** @internal removes the app's chart of CRDs when nothing is left in it. */
export function dropEmptyCrdChart(scope: IConstruct): void {
  const root = scope.node.root;
  const chart = root.node.tryFindChild(CRD_CHART_ID);
  if (chart instanceof Chart && ordered.has(chart) && chart.node.children.length === 0) root.node.tryRemoveChild(CRD_CHART_ID);
}
