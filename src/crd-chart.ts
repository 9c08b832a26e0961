import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry } from './app-registry';
import { ruleError } from './rules';

/** @internal id of the app's chart of CustomResourceDefinitions (and so its file name). */
export const CRD_CHART_ID = 'crds';

const ordered = new WeakSet<Chart>();

/**
 * @internal The app's chart `crds`, which holds every CustomResourceDefinition the library emits
 * (created when absent; an existing Chart of that id is used as is). Every other chart of the app
 * depends on it, so cdk8s synthesizes it first (`0000-crds.k8s.yaml`): a CRD must be applied and
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
    AppRegistry.of(chart).addCheck(() => {
      if (root.node.tryFindChild(CRD_CHART_ID) === chart) dependOn(root, chart);
      return [];
    });
  }
  return chart;
}

function dependOn(root: IConstruct, crds: Chart): void {
  // Not the chart itself, its nested charts, or a chart it depends on (that would be a cycle).
  const skip = new Set<IConstruct>([...crds.node.findAll(), ...crds.node.dependencies]);
  for (const c of root.node.findAll()) {
    if (c instanceof Chart && !skip.has(c) && !c.node.dependencies.includes(crds)) {
      c.node.addDependency(crds);
    }
  }
}

/** @internal removes the app's chart of CRDs when nothing is left in it. */
export function dropEmptyCrdChart(scope: IConstruct): void {
  const root = scope.node.root;
  const chart = root.node.tryFindChild(CRD_CHART_ID);
  if (chart instanceof Chart && ordered.has(chart) && chart.node.children.length === 0) root.node.tryRemoveChild(CRD_CHART_ID);
}
