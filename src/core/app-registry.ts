import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namespaceOf } from './cluster-scoped';
import { acknowledgementVersion, Finding, finding, ruleError } from './rules';

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
  /** Singletons a construct created on its own, which an explicit one replaces. */
  private readonly implicit = new WeakSet<IConstruct>();
  /** What to undo when a singleton is removed (objects it placed outside its own subtree). */
  private readonly cleanups = new WeakMap<IConstruct, () => void>();
  /** Where NFD labels come from. */
  public nfdMode: NfdMode = NfdMode.NONE;
  /** Label set by our CryptoMB NodeFeatureRule, when CryptoMbAffinity is in the app. */
  public cryptoMbLabel?: string;
  /** The services the app's QAT device plugin advertises (resource names), when it has one. */
  public qatResources?: string[];
  /** Node selector of the app's QAT device plugin (where QAT VFs are advertised), when it has one. */
  public qatNodeSelector?: { [key: string]: string };

  /** Synth-time checks of the app's constructs (their messages name the construct). */
  private readonly checks: Array<() => (Finding | undefined)[]> = [];
  /** What the last run of the checks saw: the acknowledgements, the checks and the tree. */
  private lastRun?: { acks: number; checks: number; tree: IConstruct[] };
  private lastErrors: string[] = [];
  /** Warnings already printed: each once per app. */
  private readonly warned = new Set<string>();
  private readonly memos = new Map<string, unknown>();

  private constructor(root: IConstruct) {
    root.node.addValidation({ validate: () => this.validate(root) });
  }

  /** Adds a synth-time check, run with the app-wide ones. */
  public addCheck(check: () => (Finding | undefined)[]): void {
    this.checks.push(check);
  }

  /** Per-app state of one kind, made on first use (e.g. the app-wide gateway checks). */
  public memo<T>(key: string, create: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, create());
    return this.memos.get(key) as T;
  }

  /**
   * cdk8s validates the whole app once for every chart it synthesizes. The checks run again only
   * when something they read changed: the acknowledgements, the checks registered here, or the
   * tree (any construct added or removed anywhere, compared by identity: one walk, as cdk8s's own
   * validation makes, instead of every check again).
   * Warnings are printed once; errors fail synth with messages that start with the path of the
   * construct they concern (thrown here: cdk8s would prefix them with this root's empty path).
   */
  private validate(root: IConstruct): string[] {
    const run = { acks: acknowledgementVersion(), checks: this.checks.length, tree: root.node.findAll() };
    const last = this.lastRun;
    const same = last !== undefined && last.acks === run.acks && last.checks === run.checks
      && last.tree.length === run.tree.length && last.tree.every((c, i) => c === run.tree[i]);
    if (!same) {
      const found = [...duplicateObjects(run.tree), ...this.checks.flatMap((check) => check())]
        .filter((f): f is Finding => f !== undefined);
      for (const w of found.filter((f) => f.level === 'warning' && !this.warned.has(f.message))) {
        this.warned.add(w.message);
        console.warn(w.message);
      }
      this.lastErrors = found.filter((f) => f.level === 'error').map((f) => f.message);
      this.lastRun = run;
    }
    if (this.lastErrors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${this.lastErrors.join('\n  ')}`);
    return [];
  }

  /**
   * Registers `c` as the app's `key` singleton. An explicit one replaces (removes from the tree)
   * one a construct created on its own, whichever came first; a second explicit one is an error.
   * `refused` names a reason the app cannot have one at all.
   */
  public claim(key: string, c: IConstruct, refused?: string): void {
    const previous = this.singletons.get(key);
    if ((previous && !this.implicit.has(previous)) || refused) {
      throw ruleError('ATLS-APP002', c, 'id', `${key} exists once per app; ${previous && !this.implicit.has(previous) ? `${previous.node.path} already defines it` : refused}`);
    }
    this.release(key);
    this.singletons.set(key, c);
  }

  /** Removes an implicit `key` singleton from the tree (an explicit one stays). */
  public release(key: string): void {
    const previous = this.singletons.get(key);
    if (previous && this.implicit.has(previous)) {
      previous.node.scope!.node.tryRemoveChild(previous.node.id);
      this.cleanups.get(previous)?.();
      this.singletons.delete(key);
    }
  }

  /** The app's `key` singleton, or the one `create` makes (marked implicit). */
  public ensure<T extends IConstruct>(key: string, create: () => T): T {
    const existing = this.singletons.get(key) as T | undefined;
    if (existing) return existing;
    const made = create();
    this.implicit.add(made);
    return made;
  }

  /** Runs `cleanup` when singleton `c` is removed from the tree. */
  public onRelease(c: IConstruct, cleanup: () => void): void {
    this.cleanups.set(c, cleanup);
  }

  /** Whether `c` was created implicitly. */
  public isImplicit(c: IConstruct): boolean {
    return this.implicit.has(c);
  }

}

const REGISTRIES = new WeakMap<IConstruct, AppRegistry>();

/**
 * No two objects of a kind share a name and namespace anywhere in the app. Collisions between the
 * same two constructs (two gateways of one name: their Gateway, routes, EnvoyProxy...) are one
 * cause, reported once on the later construct.
 */
function duplicateObjects(tree: IConstruct[]): (Finding | undefined)[] {
  const seen = new Map<string, ApiObject>();
  const byPair = new Map<string, { scope: IConstruct; other: IConstruct; objects: ApiObject[]; firsts: ApiObject[] }>();
  for (const c of tree) {
    if (!(c instanceof ApiObject)) continue;
    const key = `${c.apiGroup}/${c.kind} ${namespaceOf(c) ?? ''}/${c.name}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, c);
      continue;
    }
    const [scope, other] = [c.node.scope ?? c, first.node.scope ?? first];
    const pair = `${scope.node.path}\n${other.node.path}`;
    const entry = byPair.get(pair) ?? { scope, other, objects: [], firsts: [] };
    entry.objects.push(c);
    entry.firsts.push(first);
    byPair.set(pair, entry);
  }
  const describe = (o: ApiObject) => `${o.kind} '${namespaceOf(o) ? namespaceOf(o) + '/' : ''}${o.name}'`;
  return [...byPair.values()].map(({ scope, other, objects, firsts }) => (objects.length === 1
    ? finding('ATLS-APP001', objects[0], 'metadata.name', `${describe(objects[0])} is also defined by ${firsts[0].node.path}`)
    : finding('ATLS-APP001', scope, 'name',
      `its ${objects.map(describe).join(', ')} are also defined by ${other.node.path}: give one of the two another name or namespace`)));
}
