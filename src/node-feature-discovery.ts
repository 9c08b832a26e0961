import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry, NfdMode } from './app-registry';

/** Props of `NodeFeatureDiscovery`. */
export interface NodeFeatureDiscoveryProps {
  /**
   * Namespace NFD runs in.
   * @default 'node-feature-discovery'
   */
  readonly namespace?: string;
}

const SINGLETON = 'NodeFeatureDiscovery';

/**
 * Node Feature Discovery v0.19.0, one per app: QatNodePrep and CryptoMbAffinity reuse the
 * app's instance or create one. `NodeFeatureDiscovery.useExisting(scope)` declares an install
 * that already exists in the cluster instead.
 */
export class NodeFeatureDiscovery extends Construct {
  /**
   * Declares that NFD is already installed in the cluster: nothing is emitted, but constructs
   * that need NFD labels are satisfied.
   */
  public static useExisting(scope: IConstruct): void {
    const reg = AppRegistry.of(scope);
    const existing = reg.singletons.get(SINGLETON);
    if (existing) {
      throw new Error(`[ATLS-APP002] ${scope.node.path}: NodeFeatureDiscovery.useExisting: the app already has NodeFeatureDiscovery at ${existing.node.path}`);
    }
    reg.nfdMode = NfdMode.EXISTING;
  }

  /** @internal the app's NFD: nothing when declared existing, else the app's instance, else a new one in `scope`'s chart. */
  public static _ensure(scope: IConstruct): NodeFeatureDiscovery | undefined {
    const reg = AppRegistry.of(scope);
    if (reg.nfdMode === NfdMode.EXISTING) return undefined;
    const existing = reg.singletons.get(SINGLETON) as NodeFeatureDiscovery | undefined;
    if (existing) return existing;
    return new NodeFeatureDiscovery(Chart.of(scope), 'NodeFeatureDiscovery');
  }

  /** Namespace NFD runs in. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: NodeFeatureDiscoveryProps = {}) {
    super(scope, id);
    const reg = AppRegistry.of(this);
    const previous = reg.singletons.get(SINGLETON);
    if (previous || reg.nfdMode === NfdMode.EXISTING) {
      throw new Error(`[ATLS-APP002] ${this.node.path}: NodeFeatureDiscovery exists once per app; ${previous ? previous.node.path + ' already defines it' : 'the app declared it existing (useExisting)'}`);
    }
    reg.singletons.set(SINGLETON, this);
    reg.nfdMode = NfdMode.MANAGED;
    this.namespace = props.namespace ?? 'node-feature-discovery';
    // The NFD objects (namespace, CRDs, RBAC, master, gc, worker) are added by the NFD work.
  }
}
