// The order in which cdk8s writes an app's charts, worked out on the charts alone instead of on
// cdk8s's graph of every construct (whose chart dependencies it copies onto every pair of objects).
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** @internal The nearest chart at or above `c` (cdk8s's `Chart.of`, which throws outside a chart). */
export function chartOf(c: IConstruct | undefined): Chart | undefined {
  for (let s = c; s !== undefined; s = s.node.scope) if (s instanceof Chart) return s;
  return undefined;
}

/** @internal What `liftChartDependencies` found. */
export interface LiftedDependencies {
  /** Some chart depends on another: cdk8s numbers the files. */
  readonly numbered: boolean;
  /** Some construct other than a chart depends on a chart itself: `chartOrder` does not apply. */
  readonly onChart: boolean;
}

/**
 * @internal Adds the chart dependencies cdk8s adds when it synthesizes (`resolveDependencies`):
 * a chart depends on the charts nested in it, and on the chart of whatever its constructs depend
 * on. Added first, in cdk8s's order, they change nothing cdk8s then does; `chartOrder` reads them.
 */
export function liftChartDependencies(all: IConstruct[]): LiftedDependencies {
  let numbered = false;
  let onChart = false;
  for (const c of all) {
    if (!(c instanceof Chart)) continue;
    for (const child of c.node.children) {
      if (child instanceof Chart) {
        c.node.addDependency(child);
        numbered = true;
      }
    }
  }
  for (const c of all) {
    for (const d of c.node.dependencies) {
      if (!(c instanceof Chart) && d instanceof Chart) onChart = true;
      const from = chartOf(c);
      const to = chartOf(d);
      if (from !== undefined && to !== undefined && from !== to) {
        from.node.addDependency(to);
        numbered = true;
      }
    }
  }
  return { numbered, onChart };
}

/**
 * @internal The app's charts (`all` is every construct, as `findAll` lists them) in the order
 * cdk8s writes them, once `liftChartDependencies` has run and found no construct other than a
 * chart depending on a chart. cdk8s takes the constructs nothing depends on in `findAll` order
 * and writes each one's dependencies, depth first, before it. Objects then depend only on
 * objects, which writes no chart, so the charts and their dependencies on charts decide it all.
 */
export function chartOrder(all: IConstruct[]): Chart[] {
  const charts = all.filter((c): c is Chart => c instanceof Chart);
  const depsOf = (c: Chart) => c.node.dependencies.filter((d): d is Chart => d instanceof Chart);
  const inbound = new Set(charts.flatMap(depsOf));
  const done = new Set<Chart>();
  const out: Chart[] = [];
  const visit = (c: Chart) => {
    if (done.has(c)) return;
    done.add(c);
    depsOf(c).forEach(visit);
    out.push(c);
  };
  charts.filter((c) => !inbound.has(c)).forEach(visit);
  return out;
}
