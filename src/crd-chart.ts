import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry } from './app-registry';
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
    AppRegistry.of(chart).addCheck(() => {
      if (root.node.tryFindChild(CRD_CHART_ID) === chart) dependOn(root, chart);
      return [];
    });
  }
  return chart;
}

/**
 * Makes the charts that cdk8s would otherwise emit before `crds` depend on it. cdk8s turns each
 * chart dependency into one between every object of the two charts (and does so on every chart's
 * synthesis), so a dependency on `crds` costs as much as the dependent chart is big: it is added
 * only where the order needs it. cdk8s orders charts depth-first along their dependencies, taking
 * the independent ones in creation order (except ids that look like array indices, which a plain
 * object's keys put first): a chart needs the dependency when it comes before `crds` that way, or
 * when such a chart depends on it. If none does, one other chart depends on `crds` all the same, so
 * the files stay numbered and `crds` stays `0000`. Only those charts' constructs are visited.
 */
function dependOn(root: IConstruct, crds: Chart): void {
  const ofCrds = reachable([crds]);
  const { before, after } = chartsAround(root, crds);
  const first = [...before, ...after.filter((c) => c.node.scope === root && isArrayIndex(c.node.id))].filter((c) => !ofCrds.has(c));
  const needed = first.length > 0 ? reachable(first) : after.filter((c) => !ofCrds.has(c)).slice(0, 1);
  for (const c of needed) {
    if (!ofCrds.has(c) && !c.node.dependencies.includes(crds)) c.node.addDependency(crds);
  }
}

/** Ids a plain object orders before all others (cdk8s keys its dependency graph by path). */
function isArrayIndex(id: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(id) && Number(id) < 2 ** 32 - 1;
}

/** The charts created before `crds` (a child of `root`), and those created after it. */
function chartsAround(root: IConstruct, crds: Chart): { before: Chart[]; after: Chart[] } {
  const before: Chart[] = [];
  const after: Chart[] = [];
  let seen = false;
  for (const top of root.node.children) {
    if (top === crds) seen = true;
    else (seen ? after : before).push(...top.node.findAll().filter((c): c is Chart => c instanceof Chart));
  }
  return { before, after };
}

/**
 * `from` and every chart reachable from it the way cdk8s links charts: a chart depends on the
 * charts nested in it and on the charts of whatever its constructs depend on.
 */
function reachable(from: Chart[]): Set<Chart> {
  const seen = new Set<IConstruct>(from);
  const todo = [...from];
  const visit = (chart: Chart | undefined) => {
    if (chart !== undefined && !seen.has(chart)) {
      seen.add(chart);
      todo.push(chart);
    }
  };
  while (todo.length > 0) {
    const chart = todo.pop()!;
    for (const c of chart.node.findAll()) {
      if (c !== chart && c instanceof Chart) visit(c);
      for (const d of c.node.dependencies) visit(chartOf(d));
    }
  }
  return seen as Set<Chart>;
}

/** The nearest chart at or above `c` (cdk8s's `Chart.of`, which throws outside a chart). */
function chartOf(c: IConstruct | undefined): Chart | undefined {
  for (let s = c; s !== undefined; s = s.node.scope) if (s instanceof Chart) return s;
  return undefined;
}

/** @internal removes the app's chart of CRDs when nothing is left in it. */
export function dropEmptyCrdChart(scope: IConstruct): void {
  const root = scope.node.root;
  const chart = root.node.tryFindChild(CRD_CHART_ID);
  if (chart instanceof Chart && ordered.has(chart) && chart.node.children.length === 0) root.node.tryRemoveChild(CRD_CHART_ID);
}
