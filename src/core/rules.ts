import { IConstruct } from 'constructs';
import { pythonNote } from './messages';
import { RULE_CATALOG, RuleId } from './rule-catalog';
import { RuleLevel } from './rule-level';

export * from './rule-level';

/**
 * A rule the library enforces at synth time (see the README's rule table).
 */
export interface RuleInfo {
  /** Stable id, e.g. `ATLS-KEY002`; appears in every message of the rule. */
  readonly id: string;
  /** What the rule prevents. */
  readonly description: string;
  /** Whether `Rules.acknowledge` may suppress it. */
  readonly acknowledgeable: boolean;
  /** Whether a violation fails synth or prints a warning. */
  readonly level: RuleLevel;
  /** Which constructs (or factories) raise it. */
  readonly where: string;
  /** How to fix a violation. */
  readonly fix: string;
}

/** A recorded suppression of a rule. */
export interface Acknowledgement {
  /** The rule suppressed. */
  readonly ruleId: string;
  /** Why it is acceptable here. */
  readonly reason: string;
  /** Path of the construct the acknowledgement was recorded on. */
  readonly path: string;
}

const RULES: RuleInfo[] = Object.entries(RULE_CATALOG).map(([id, r]) => ({
  id,
  description: r.description,
  acknowledgeable: r.acknowledgeable,
  level: r.level,
  where: r.where,
  fix: r.fix,
}));

/** The construct metadata type of an acknowledgement (as cdk-nag records its suppressions). */
const ACKNOWLEDGEMENT = 'cdk8s-accelerated-tls:acknowledgement';

interface AcknowledgementData {
  readonly ruleId: string;
  readonly reason: string;
}

function acknowledgementsOn(c: IConstruct): AcknowledgementData[] {
  return c.node.metadata.filter((m) => m.type === ACKNOWLEDGEMENT).map((m) => m.data as AcknowledgementData);
}

/** @internal How many acknowledgements the constructs of `tree` carry (synth-time checks re-run when it changes). */
export function acknowledgementCount(tree: IConstruct[]): number {
  return tree.reduce((n, c) => n + acknowledgementsOn(c).length, 0);
}

/**
 * The rules of the library and their acknowledgements (cdk-nag style).
 */
export class Rules {
  /** Every rule the library enforces. */
  public static readonly ALL: RuleInfo[] = RULES;

  /**
   * Suppresses an acknowledgeable rule for `scope` and everything below it, recording the reason.
   *
   * @param scope construct (or chart, or app) the acknowledgement applies to
   * @param ruleId the rule id, e.g. `ATLS-KEY002`
   * @param reason why the rule does not apply here; recorded in the construct metadata
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    const rule = RULES.find((r) => r.id === ruleId);
    if (!rule) {
      throw new Error(`${scope.node.path}: unknown rule id '${ruleId}' (known: ${RULES.map((r) => r.id).join(', ')})`);
    }
    if (!rule.acknowledgeable) {
      throw new Error(`${scope.node.path}: rule ${ruleId} cannot be acknowledged: ${rule.description}`);
    }
    if (!reason || reason.trim().length === 0) {
      throw new Error(`${scope.node.path}: acknowledging ${ruleId} needs a reason`);
    }
    scope.node.addMetadata(ACKNOWLEDGEMENT, { ruleId, reason } satisfies AcknowledgementData);
  }

  /**
   * The acknowledgement in force for `scope` (on it or an ancestor), if any.
   */
  public static acknowledgementOf(scope: IConstruct, ruleId: string): Acknowledgement | undefined {
    for (const s of [...scope.node.scopes].reverse()) {
      // The latest acknowledgement of a rule on a construct is the one in force there.
      const ack = acknowledgementsOn(s).reverse().find((a) => a.ruleId === ruleId);
      if (ack) return { ruleId, reason: ack.reason, path: s.node.path };
    }
    return undefined;
  }

  private constructor() {}
}

/**
 * Suppresses an acknowledgeable rule for `scope` and below, recording the reason.
 * Same as `Rules.acknowledge` (which is what Python and other jsii languages call).
 */
export function acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
  Rules.acknowledge(scope, ruleId, reason);
}

/**
 * @internal The message every rule violation uses: where (construct path, or the factory for
 * input checked before any construct exists), the rule id (after "warning" for a warning), the
 * prop, why, and the prop's Python spelling when it differs.
 */
export function ruleMessage(ruleId: RuleId, where: IConstruct | string, prop: string, detail: string): string {
  const warning = RULE_CATALOG[ruleId].level === 'warning' ? 'warning ' : '';
  return `${typeof where === 'string' ? where : where.node.path}: ${warning}[${ruleId}] ${prop}: ${detail}${pythonNote(prop)}`;
}

/** @internal throws the rule violation at once (constructor tier). */
export function ruleError(ruleId: RuleId, where: IConstruct | string, prop: string, detail: string): Error {
  return new Error(ruleMessage(ruleId, where, prop, detail));
}

/** @internal A violation found at synth time, at its rule's level. */
export interface Finding {
  readonly level: RuleLevel;
  readonly message: string;
}

/**
 * @internal A violation found at synth time, or undefined when the rule is acknowledged for
 * the scope (an acknowledgeable rule only).
 */
export function finding(ruleId: RuleId, scope: IConstruct, prop: string, detail: string): Finding | undefined {
  const rule = RULE_CATALOG[ruleId];
  if (rule.acknowledgeable && Rules.acknowledgementOf(scope, ruleId)) return undefined;
  return { level: rule.level, message: ruleMessage(ruleId, scope, prop, detail) };
}
