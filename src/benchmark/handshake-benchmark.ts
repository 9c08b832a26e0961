import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HandshakeBenchmarkProps } from './benchmark-props';
import { benchmarkContainers } from './pod';
import { BenchmarkConfig, ResolvedBenchmark, resolveBenchmark } from './resolve-benchmark';
import { AppRegistry } from '../core/app-registry';
import { HANDSHAKE_BENCHMARK_ASSET, HANDSHAKE_BENCHMARK_MODULES, readAsset } from '../core/assets';
import { propName } from '../core/messages';
import { PSA_ENFORCE, restrictedPod } from '../core/pod-security';
import { Finding, finding } from '../core/rules';
import { AcceleratedTlsGateway } from '../gateway/accelerated-tls-gateway';


const ENVOY_NAME_LABEL = { 'app.kubernetes.io/name': 'envoy' };
const RBAC_VERBS: { [resource: string]: string[] } = { 'pods': ['get', 'list'], 'pods/log': ['get'] };
const UID = 65532;

/**
 * A Job comparing TLS handshake throughput across gateways: fortio loads each target in turn
 * with identical flags (`-keepalive=false`, so every request is a full handshake), and the
 * script prints one table with qps, p50/p99 latency, the ratio to the target's software
 * baseline, the clients' CPU use (a client above 90% of its limit is "client-bound" and makes a
 * ratio untrustworthy), and whether the provider really handled the handshakes (CryptoMB from
 * Envoy's stats, QAT from the Envoy pods' logs).
 *
 * Fairness is checked at synth time: every accelerated target needs a software baseline of the
 * same shape (image, CPU, memory, concurrency, replicas, tolerations, placement) (ATLS-BENCH001).
 */
export class HandshakeBenchmark extends Construct {
  /** The Job. */
  public readonly job: ApiObject;
  /** The ConfigMap with the script and the targets. */
  public readonly configMap: ApiObject;
  /** The Job's ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /**
   * Roles, one per namespace: get/list pods where the targets' Envoy pods run (their stats are
   * read on the pod IP), get pods/log where a target's provider leaves its evidence in the log;
   * with several client pods, both in the Job's namespace (the clients find and read each other).
   */
  public readonly roles: ApiObject[];
  /** RoleBindings of the Roles to the ServiceAccount. */
  public readonly roleBindings: ApiObject[];
  /** The namespace (only when `createNamespace`). */
  public readonly namespaceObject?: ApiObject;
  /** Namespace of the Job. */
  public readonly namespace: string;
  /** Name of the Job. */
  public readonly name: string;

  private readonly targets: AcceleratedTlsGateway[];

  constructor(scope: Construct, id: string, props: HandshakeBenchmarkProps) {
    super(scope, id);
    const r = resolveBenchmark(this, props);
    this.targets = r.targets;
    this.namespace = r.namespace;
    this.name = r.name;

    this.namespaceObject = r.createNamespace ? new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: r.namespace,
        // The Job's pod is non-root, drops every capability and uses RuntimeDefault seccomp.
        labels: { [PSA_ENFORCE]: 'restricted' },
      },
    }) : undefined;
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: r.name, namespace: r.namespace } });
    const roleNamespaces = this.rbac(r.clientPods);
    const envoyNamespaces = [...roleNamespaces.keys()].sort();
    this.roles = envoyNamespaces.map((ns) => new k8s.KubeRole(this, `Role-${ns}`, {
      metadata: { name: r.name, namespace: ns },
      rules: [...roleNamespaces.get(ns)!].sort().map((resource) => ({ apiGroups: [''], resources: [resource], verbs: RBAC_VERBS[resource] })),
    }));
    this.roleBindings = envoyNamespaces.map((ns) => new k8s.KubeRoleBinding(this, `RoleBinding-${ns}`, {
      metadata: { name: r.name, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: r.name },
      subjects: [{ kind: 'ServiceAccount', name: r.name, namespace: r.namespace }],
    }));
    this.configMap = this.addConfigMap(r);
    this.job = this.addJob(r);
    AppRegistry.of(this).addCheck(() => this.checkFairness());
  }

  private addConfigMap(r: ResolvedBenchmark): ApiObject {
    // Baselines are matched at synth (placement is resolved then); the config is lazy too.
    return new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: r.name, namespace: r.namespace },
      data: {
        'benchmark.py': readAsset(HANDSHAKE_BENCHMARK_ASSET),
        // Imported from the script's directory, /config.
        ...Object.fromEntries(HANDSHAKE_BENCHMARK_MODULES.map((m) => [m, readAsset(m)])),
        'config.json': Lazy.any({ produce: () => JSON.stringify(this.withBaselines(r.config), undefined, 2) + '\n' }),
      },
    });
  }

  private addJob(r: ResolvedBenchmark): ApiObject {
    const podLabels = { 'app.kubernetes.io/name': 'handshake-benchmark', 'app.kubernetes.io/instance': r.name };
    return new k8s.KubeJob(this, 'Job', {
      metadata: { name: r.name, namespace: r.namespace, labels: podLabels },
      spec: {
        backoffLimit: 0,
        // Bounded: every load stops by itself; the margin covers pulls, client start, stats and TLS setup.
        activeDeadlineSeconds: 1200 + r.targets.length * (r.seconds + 60),
        // Each pod is one client; JOB_COMPLETION_INDEX tells the first (which reports) from the others.
        completionMode: 'Indexed',
        completions: r.clientPods,
        parallelism: r.clientPods,
        template: {
          metadata: { labels: podLabels },
          spec: {
            serviceAccountName: r.name,
            restartPolicy: 'Never',
            securityContext: restrictedPod(UID),
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: this.antiAffinity() } },
            ...(r.nodeSelector ? { nodeSelector: r.nodeSelector } : {}),
            ...(r.tolerations ? { tolerations: r.tolerations } : {}),
            ...benchmarkContainers({
              cpu: r.cpu.amount,
              memory: r.memory,
              configMap: r.name,
              fortioImage: r.fortioImage,
              scriptImage: r.scriptImage,
              toolsImage: r.toolsImage,
            }),
          },
        },
      },
    });
  }

  /** The resources the ServiceAccount reads, by namespace. */
  private rbac(clientPods: number): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const grant = (ns: string, resource: string) => out.set(ns, (out.get(ns) ?? new Set()).add(resource));
    for (const t of this.targets) {
      grant(t.envoyNamespace, 'pods');
      const evidence = t.provider._behaviour.benchmarkEvidence;
      if (evidence && 'container' in evidence) grant(t.envoyNamespace, 'pods/log');
    }
    if (clientPods > 1) {
      grant(this.namespace, 'pods');
      grant(this.namespace, 'pods/log');
    }
    return out;
  }

  /** Never on a node running one of the targets' Envoy pods. */
  private antiAffinity(): k8s.PodAffinityTerm[] {
    const seen = new Set<string>();
    const terms: k8s.PodAffinityTerm[] = [];
    for (const gw of this.targets) {
      const labels = { ...ENVOY_NAME_LABEL, ...gw._describe().podLabels };
      const key = JSON.stringify([gw.envoyNamespace, labels]);
      if (seen.has(key)) continue;
      seen.add(key);
      terms.push({ labelSelector: { matchLabels: labels }, namespaces: [gw.envoyNamespace], topologyKey: 'kubernetes.io/hostname' });
    }
    return terms;
  }

  /** The baseline of each accelerated target: the first software target of the same shape. */
  private baselines(): Map<AcceleratedTlsGateway, AcceleratedTlsGateway | undefined> {
    const software = this.targets.filter((t) => !t.provider.accelerated);
    const out = new Map<AcceleratedTlsGateway, AcceleratedTlsGateway | undefined>();
    for (const t of this.targets) {
      if (!t.provider.accelerated) continue;
      const shape = JSON.stringify(shapeOf(t));
      out.set(t, software.find((s) => JSON.stringify(shapeOf(s)) === shape));
    }
    return out;
  }

  private withBaselines(config: BenchmarkConfig): object {
    const baselines = this.baselines();
    return {
      ...config,
      targets: config.targets.map((t, i) => {
        const b = baselines.get(this.targets[i]);
        return { ...t, baseline: b ? config.targets[this.targets.indexOf(b)].name : null };
      }),
    };
  }

  private checkFairness(): (Finding | undefined)[] {
    const errors: (Finding | undefined)[] = [];
    const software = this.targets.filter((t) => !t.provider.accelerated);
    for (const [gw, baseline] of this.baselines()) {
      if (baseline) continue;
      const prop = `targets[${this.targets.indexOf(gw)}]`;
      if (software.length === 0) {
        errors.push(finding('ATLS-BENCH001', this, prop,
          `${gw.node.path} (${gw.provider.kind}) has no software baseline (a gateway with the software KeyProvider) among the targets`));
        continue;
      }
      // Name the differences from the closest software target.
      const shape = shapeOf(gw);
      const diffs = software.map((s) => {
        const other = shapeOf(s);
        return { s, props: Object.keys(shape).filter((k) => JSON.stringify(shape[k]) !== JSON.stringify(other[k])) };
      }).sort((a, b) => a.props.length - b.props.length)[0];
      const option = gw.provider._behaviour.baselineOption;
      const hint = option && diffs.props.includes('provider.placement') ? ` (set the ${propName(option)} option of the baseline's software KeyProvider)` : '';
      errors.push(finding('ATLS-BENCH001', this, prop,
        `${gw.node.path} (${gw.provider.kind}) has no software baseline of the same shape: closest is ${diffs.s.node.path}, ` +
        `which differs in ${diffs.props.join(', ')}${hint}`));
    }
    return errors;
  }
}

/**
 * What a target and its baseline share: the Envoy pods' shape and placement. The QAT resource
 * request is not part of it (a baseline has no provider), but where it places the pods is: on
 * the QAT device plugin's nodes, where a baseline goes with `onQatNodes`.
 */
function shapeOf(gw: AcceleratedTlsGateway): { [prop: string]: unknown } {
  const { envoy, placement } = gw._describe();
  return {
    'envoy.image': envoy.image,
    'envoy.cpu': envoy.cpu,
    'envoy.memory': envoy.memory,
    'envoy.concurrency': envoy.concurrency,
    'envoy.replicas': envoy.replicas,
    'envoy.tolerations': envoy.tolerations,
    'provider.placement': placement.affinity ?? (placement.qatNodes ? { qatNodes: placement.qatNodes } : 'none'),
  };
}
