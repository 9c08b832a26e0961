import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ruleMessage } from './rules';

/** @internal How the app provides Node Feature Discovery labels. */
export enum NfdMode {
  NONE = 'none',
  MANAGED = 'managed',
  EXISTING = 'existing',
}

/**
 * @internal Per-app state shared by the constructs: singletons and the app-wide checks.
 * Keyed by the construct tree's root so two apps in one process never mix.
 */
export class AppRegistry {
  public static of(scope: IConstruct): AppRegistry {
    const root = scope.node.root;
    let reg = REGISTRIES.get(root);
    if (!reg) {
      reg = new AppRegistry(root);
      REGISTRIES.set(root, reg);
    }
    return reg;
  }

  /** Named singletons (EnvoyGatewayConfig, NodeFeatureDiscovery, ...). */
  public readonly singletons = new Map<string, IConstruct>();
  /** Where NFD labels come from. */
  public nfdMode: NfdMode = NfdMode.NONE;
  /** Label set by our CryptoMB NodeFeatureRule, when CryptoMbAffinity is in the app. */
  public cryptoMbLabel?: string;
  /** The services the app's QAT device plugin advertises (resource names), when it has one. */
  public qatResources?: string[];

  private constructor(root: IConstruct) {
    // One app-wide check: no two objects of a kind share a name and namespace.
    root.node.addValidation({ validate: () => duplicateObjects(root) });
  }
}

const REGISTRIES = new WeakMap<IConstruct, AppRegistry>();

function duplicateObjects(root: IConstruct): string[] {
  const seen = new Map<string, ApiObject>();
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
    const key = `${group}/${c.kind} ${c.metadata.namespace ?? ''}/${c.name}`;
    const first = seen.get(key);
    if (first) {
      errors.push(ruleMessage('ATLS-APP001', c, 'metadata.name',
        `${c.kind} '${c.metadata.namespace ? c.metadata.namespace + '/' : ''}${c.name}' is also defined by ${first.node.path}`));
    } else {
      seen.set(key, c);
    }
  }
  return errors;
}
