// Cluster-scoped objects in a chart with a namespace: cdk8s gives every object of such a chart
// the chart's namespace, which a cluster-scoped kind must not carry (tools that compare the
// manifests with the cluster's objects would see a field the apiserver drops).
import { ApiObject, Chart, JsonPatch } from 'cdk8s';

const CLUSTER_SCOPED = new WeakSet<ApiObject>();

/** @internal `o` without the namespace its chart would give it; returns `o`. */
export function clusterScoped<T extends ApiObject>(o: T): T {
  CLUSTER_SCOPED.add(o);
  if (Chart.of(o).namespace !== undefined) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return o;
}

/** @internal The namespace `o` is synthesized with (none for an object made cluster-scoped here). */
export function namespaceOf(o: ApiObject): string | undefined {
  return CLUSTER_SCOPED.has(o) ? undefined : o.metadata.namespace;
}
