import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, Dependable, IConstruct, IDependable } from 'constructs';
import { nfdCrdSpecs } from './crds';
import { NodeFeatureDiscoveryProps } from './props';
import { ResolvedNfd, resolveNfd } from './resolve';
import { EMPTY_CONFIG } from './worker-config';
import { NFD_CONFIG_DIR, NFD_RBAC, nfdContainer, workerVolumes } from './workloads';
import { AppRegistry } from '../core/app-registry';
import { crdChart, dropEmptyCrdChart } from '../core/crd-chart';
import { shortHash } from '../core/names';
import { privilegedNamespace } from '../core/pod-security';
import { NodeFeatureRule } from '../imports/nfd.k8s-sigs.io';


const IMPLICIT_ID = 'NodeFeatureDiscovery';

/**
 * Node Feature Discovery v0.19.0 as typed objects, equivalent to upstream's default kustomize
 * overlay: namespace, CRDs, RBAC, configs, nfd-master, nfd-gc and the nfd-worker DaemonSet.
 *
 * One per app: QatNodePrep and CryptoMbAffinity reuse the app's instance or create one in their
 * chart; an explicit instance (anywhere, before or after them) replaces that one.
 * `NodeFeatureDiscovery.useExisting(scope)` declares an install that already exists instead.
 */
export class NodeFeatureDiscovery extends Construct {
  /**
   * Declares that NFD is already installed in the cluster: nothing is emitted, but constructs
   * that need NFD labels are satisfied. Replaces an instance the app created implicitly.
   */
  public static useExisting(scope: IConstruct): void {
    AppRegistry.of(scope).claimExisting(NodeFeatureDiscovery, scope, 'useExisting');
  }

  /**
   * @internal the app's NFD: undefined when declared existing, else the app's instance, else a
   * new one in `scope`'s chart. Callers must not keep it: an explicit instance may replace it.
   */
  public static _ensure(scope: IConstruct): NodeFeatureDiscovery | undefined {
    const reg = AppRegistry.of(scope);
    if (reg.isExisting(NodeFeatureDiscovery)) return undefined;
    // `scope`'s objects (NodeFeatureRules need the CRDs) come after NFD's, whichever instance wins.
    scope.node.addDependency(currentInstance(scope));
    return reg.ensure(NodeFeatureDiscovery, () => new NodeFeatureDiscovery(Chart.of(scope), IMPLICIT_ID));
  }

  /** Namespace NFD runs in. */
  public readonly namespace: string;
  /** Image of the NFD components. */
  public readonly image: string;
  /**
   * The CRDs (empty when `installCrds` is false). They are in the app's chart `crds`, which every
   * other chart depends on: cdk8s synthesizes it first, into a file of its own.
   */
  public readonly crds: ApiObject[];
  /** The nfd-master Deployment. */
  public readonly master: ApiObject;
  /** The nfd-worker DaemonSet. */
  public readonly worker: ApiObject;
  /** The nfd-gc Deployment. */
  public readonly gc: ApiObject;
  /** The NodeFeatureRules of `extraRules`, in order. */
  public readonly extraRules: ApiObject[];

  constructor(scope: Construct, id: string, props: NodeFeatureDiscoveryProps = {}) {
    super(scope, id);
    // An explicit instance replaces the one QatNodePrep or CryptoMbAffinity created on their own.
    AppRegistry.of(this).claim(NodeFeatureDiscovery, this);
    const r = resolveNfd(this, props);
    this.namespace = r.namespace;
    this.image = r.image;

    privilegedNamespace(this, r.namespace, 'nfd-worker mounts host paths read-only (/boot, /sys, /lib, ...), which baseline forbids');
    this.crds = r.installCrds ? installCrds(this) : [];
    this.addRbac(r.namespace);
    // Content-hashed names, as kustomize's generator makes them: a new config rolls the pods.
    const masterConf = this.addConfigMap(r.namespace, 'nfd-master-conf', 'nfd-master.conf', EMPTY_CONFIG);
    const workerConf = this.addConfigMap(r.namespace, 'nfd-worker-conf', 'nfd-worker.conf', r.workerConfig);
    this.gc = this.addGc(r.namespace);
    this.master = this.addMaster(r.namespace, masterConf);
    this.worker = this.addWorker(r, workerConf);
    this.extraRules = r.extraRules.map((d) => new NodeFeatureRule(this, `Rule-${d.name}`, {
      metadata: { name: d.name },
      spec: { rules: d.rules },
    }));
  }

  private addRbac(ns: string): void {
    for (const sa of ['nfd-gc', 'nfd-master', 'nfd-worker']) {
      new k8s.KubeServiceAccount(this, `ServiceAccount-${sa}`, { metadata: { name: sa, namespace: ns } });
    }
    new k8s.KubeRole(this, 'Role-nfd-worker', { metadata: { name: 'nfd-worker', namespace: ns }, rules: NFD_RBAC.workerRole });
    new k8s.KubeClusterRole(this, 'ClusterRole-nfd-gc', { metadata: { name: 'nfd-gc' }, rules: NFD_RBAC.gcClusterRole });
    new k8s.KubeClusterRole(this, 'ClusterRole-nfd-master', { metadata: { name: 'nfd-master' }, rules: NFD_RBAC.masterClusterRole });
    const subjects = (name: string) => [{ kind: 'ServiceAccount', name, namespace: ns }];
    new k8s.KubeRoleBinding(this, 'RoleBinding-nfd-worker', {
      metadata: { name: 'nfd-worker', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'nfd-worker' },
      subjects: subjects('nfd-worker'),
    });
    for (const name of ['nfd-gc', 'nfd-master']) {
      new k8s.KubeClusterRoleBinding(this, `ClusterRoleBinding-${name}`, {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: subjects(name),
      });
    }
  }

  /** A ConfigMap holding `file`, named after its content; returns the name. */
  private addConfigMap(ns: string, name: string, file: string, content: string): string {
    return new k8s.KubeConfigMap(this, `ConfigMap-${name}`, {
      metadata: { name: `${name}-${shortHash(content, 10)}`, namespace: ns },
      data: { [file]: content },
    }).name;
  }

  private addGc(ns: string): ApiObject {
    return new k8s.KubeDeployment(this, 'Deployment-nfd-gc', {
      metadata: { labels: { app: 'nfd' }, name: 'nfd-gc', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'nfd-gc' } },
        template: {
          metadata: { labels: { app: 'nfd-gc' } },
          spec: {
            containers: [nfdContainer({
              name: 'nfd-gc',
              image: this.image,
              requests: { cpu: '10m', memory: '128Mi' },
              memoryLimit: '1Gi',
              liveness: { initialDelaySeconds: 10 },
              readiness: { initialDelaySeconds: 5 },
            })],
            dnsPolicy: 'ClusterFirstWithHostNet',
            serviceAccountName: 'nfd-gc',
          },
        },
      },
    });
  }

  private addMaster(ns: string, masterConf: string): ApiObject {
    const controlPlane = 'node-role.kubernetes.io/control-plane';
    return new k8s.KubeDeployment(this, 'Deployment-nfd-master', {
      metadata: { labels: { app: 'nfd' }, name: 'nfd-master', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nfd-master' } },
        template: {
          metadata: { labels: { app: 'nfd-master' } },
          spec: {
            affinity: {
              nodeAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{
                  preference: { matchExpressions: [{ key: controlPlane, operator: 'In', values: [''] }] },
                  weight: 1,
                }],
              },
            },
            containers: [nfdContainer({
              name: 'nfd-master',
              image: this.image,
              requests: { cpu: '100m', memory: '128Mi' },
              memoryLimit: '4Gi',
              liveness: {},
              readiness: { failureThreshold: 10 },
              volumeMounts: [{ mountPath: NFD_CONFIG_DIR, name: 'nfd-master-conf', readOnly: true }],
            })],
            enableServiceLinks: false,
            serviceAccountName: 'nfd-master',
            tolerations: [{ effect: 'NoSchedule', key: controlPlane, operator: 'Equal', value: '' }],
            volumes: [{ configMap: { name: masterConf }, name: 'nfd-master-conf' }],
          },
        },
      },
    });
  }

  private addWorker(r: ResolvedNfd, workerConfName: string): ApiObject {
    const { mounts, volumes } = workerVolumes(workerConfName);
    return new k8s.KubeDaemonSet(this, 'DaemonSet-nfd-worker', {
      metadata: { labels: { app: 'nfd' }, name: 'nfd-worker', namespace: r.namespace },
      spec: {
        selector: { matchLabels: { app: 'nfd-worker' } },
        template: {
          metadata: { labels: { app: 'nfd-worker' } },
          spec: {
            containers: [nfdContainer({
              name: 'nfd-worker',
              image: this.image,
              requests: { cpu: '5m', memory: '64Mi' },
              memoryLimit: '512Mi',
              liveness: { initialDelaySeconds: 10, periodSeconds: 10 },
              readiness: { failureThreshold: 10, initialDelaySeconds: 5, periodSeconds: 10 },
              volumeMounts: mounts,
            })],
            dnsPolicy: 'ClusterFirstWithHostNet',
            serviceAccountName: 'nfd-worker',
            ...(r.workerTolerations ? { tolerations: r.workerTolerations } : {}),
            volumes,
          },
        },
      },
    });
  }
}

/**
 * The CRDs, in the app's chart of CRDs (a file of their own, applied first); they leave with an
 * implicit instance that an explicit one replaces.
 */
function installCrds(nfd: NodeFeatureDiscovery): ApiObject[] {
  const chart = crdChart(nfd);
  const group = new Construct(chart, IMPLICIT_ID);
  AppRegistry.of(nfd).onRelease(nfd, () => {
    chart.node.tryRemoveChild(group.node.id);
    dropEmptyCrdChart(chart);
  });
  return nfdCrdSpecs().map((spec) => new k8s.KubeCustomResourceDefinition(group, spec.names.kind, {
    metadata: { name: `${spec.names.plural}.${spec.group}` },
    spec,
  }));
}

/**
 * A dependency on the app's NFD as it is at synth time: an explicit instance may still replace
 * the implicit one. Nothing when NFD is declared existing or lives inside `dependent`.
 */
function currentInstance(dependent: IConstruct): IDependable {
  const reg = AppRegistry.of(dependent);
  const dependable: IDependable = {};
  Dependable.implement(dependable, {
    get dependencyRoots() {
      const nfd = reg.lookup(NodeFeatureDiscovery);
      return nfd && !nfd.node.scopes.includes(dependent) ? [nfd] : [];
    },
  });
  return dependable;
}
