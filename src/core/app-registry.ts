import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namespaceOf } from './cluster-scoped';
import { acknowledgementCount, Finding, finding, ruleError, RuleLevel } from './rules';

/** @internal A construct class: the key under which the app finds its instances. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConstructType<T extends IConstruct> = abstract new (...args: any[]) => T;

/** @internal When an edit made before synthesis runs: stage by stage, and in a stage in the order added. */
export enum EditStage {
  /** Chart dependencies: cdk8s orders and names the files by them. */
  CHART_ORDER = 1,
  /** Annotations on the finished objects. */
  ANNOTATIONS = 2,
}

/**
 * @internal Per-app state shared by the constructs: which construct of a class the app has (a
 * lookup keyed by the class; the constructs own their facts and others read their properties),
 * the edits made before synthesis and the app-wide checks, which only report.
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

  /** The app's constructs by class: a singleton, or every instance of a class registered. */
  private readonly instances = new Map<ConstructType<IConstruct>, IConstruct[]>();
  /** Classes the app declared installed outside it (`useExisting`). */
  private readonly existing = new Set<ConstructType<IConstruct>>();
  /** Singletons a construct created on its own, which an explicit one replaces. */
  private readonly implicit = new WeakSet<IConstruct>();
  /** What to undo when a singleton is removed (objects it placed outside its own subtree). */
  private readonly cleanups = new WeakMap<IConstruct, () => void>();

  /** Edits made before synthesis, before the checks: the tree is complete then. */
  private readonly edits: Array<{ stage: EditStage; edit: () => void }> = [];
  /** Synth-time checks of the app's constructs (their messages name the construct); they only report. */
  private readonly checks: Array<() => (Finding | undefined)[]> = [];
  /** What the last run of the edits and checks saw: the acknowledgements, their number and the tree. */
  private lastRun?: { acks: number; checks: number; tree: IConstruct[] };
  private lastErrors: string[] = [];
  /** Warnings already printed: each once per app. */
  private readonly warned = new Set<string>();
  private readonly memos = new Map<string, unknown>();

  private constructor(root: IConstruct) {
    root.node.addValidation({ validate: () => this.validate(root) });
  }

  /** Adds an edit made before synthesis, once the app is complete (and again when it changed). */
  public addEdit(stage: EditStage, edit: () => void): void {
    this.edits.push({ stage, edit });
  }

  /** Adds a synth-time check, run with the app-wide ones after the edits; it must not change the app. */
  public addCheck(check: () => (Finding | undefined)[]): void {
    this.checks.push(check);
  }

  /** The app's construct of class `type`: its singleton, or the first instance registered. */
  public lookup<T extends IConstruct>(type: ConstructType<T>): T | undefined {
    return this.instances.get(type)?.[0] as T | undefined;
  }

  /** Records `c` as an instance of `type`, for `lookup`. */
  public register<T extends IConstruct>(type: ConstructType<T>, c: T): void {
    const list = this.instances.get(type) ?? [];
    this.instances.set(type, [...list, c]);
  }

  /** Whether the app declared `type` installed outside it. */
  public isExisting(type: ConstructType<IConstruct>): boolean {
    return this.existing.has(type);
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
    const tree = root.node.findAll();
    const run = { acks: acknowledgementCount(tree), checks: this.edits.length + this.checks.length, tree };
    const last = this.lastRun;
    const same = last !== undefined && last.acks === run.acks && last.checks === run.checks
      && last.tree.length === run.tree.length && last.tree.every((c, i) => c === run.tree[i]);
    if (!same) {
      [...this.edits].sort((a, b) => a.stage - b.stage).forEach((e) => e.edit());
      const found = [...duplicateObjects(run.tree), ...this.checks.flatMap((check) => check())]
        .filter((f): f is Finding => f !== undefined);
      for (const w of found.filter((f) => f.level === RuleLevel.WARNING && !this.warned.has(f.message))) {
        this.warned.add(w.message);
        console.warn(w.message);
      }
      this.lastErrors = found.filter((f) => f.level === RuleLevel.ERROR).map((f) => f.message);
      this.lastRun = run;
    }
    if (this.lastErrors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${this.lastErrors.join('\n  ')}`);
    return [];
  }

  /**
   * Registers `c` as the app's `type` singleton. An explicit one replaces (removes from the tree)
   * one a construct created on its own, whichever came first; a second explicit one is an error,
   * and so is one of a class the app declared existing.
   */
  public claim<T extends IConstruct>(type: ConstructType<T>, c: T): void {
    const previous = this.lookup(type);
    const explicit = previous !== undefined && !this.implicit.has(previous);
    if (explicit || this.existing.has(type)) {
      const why = explicit ? `${previous.node.path} already defines it` : 'the app declared it existing (useExisting)';
      throw ruleError('ATLS-APP002', c, 'id', `${type.name} exists once per app; ${why}`);
    }
    this.release(type);
    this.instances.set(type, [c]);
  }

  /**
   * Declares `type` installed outside the app: an implicit instance leaves the tree, and an
   * explicit one (before or after) is an error.
   */
  public claimExisting(type: ConstructType<IConstruct>, scope: IConstruct, prop: string): void {
    const previous = this.lookup(type);
    if (previous && !this.implicit.has(previous)) {
      throw ruleError('ATLS-APP002', scope, prop, `the app already has ${type.name} at ${previous.node.path}`);
    }
    this.release(type);
    this.existing.add(type);
  }

  /** Removes an implicit `type` singleton from the tree (an explicit one stays). */
  public release(type: ConstructType<IConstruct>): void {
    const previous = this.lookup(type);
    if (previous && this.implicit.has(previous)) {
      previous.node.scope!.node.tryRemoveChild(previous.node.id);
      this.cleanups.get(previous)?.();
      this.instances.delete(type);
    }
  }

  /** The app's `type` singleton, or the one `create` makes (marked implicit). */
  public ensure<T extends IConstruct>(type: ConstructType<T>, create: () => T): T {
    const existing = this.lookup(type);
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
