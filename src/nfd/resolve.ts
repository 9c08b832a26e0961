import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { NodeFeatureDiscoveryProps, NodeFeatureRuleDefinition } from './props';
import { renderWorkerConfig } from './worker-config';
import { ruleError } from '../core/rules';
import { checkImage, checkLabel, checkNonEmptyList, checkSubdomain } from '../core/validation';
import { Versions } from '../core/versions';

const DEFAULT_NAMESPACE = 'node-feature-discovery';
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** @internal NodeFeatureDiscovery's props, checked, with their defaults applied. */
export interface ResolvedNfd {
  readonly namespace: string;
  readonly image: string;
  readonly workerTolerations?: k8s.Toleration[];
  /** The nfd-worker.conf file. */
  readonly workerConfig: string;
  readonly extraRules: NodeFeatureRuleDefinition[];
  readonly installCrds: boolean;
}

/** @internal Checks the props (throwing on the first bad one, in the order of the props) and applies the defaults. */
export function resolveNfd(scope: IConstruct, props: NodeFeatureDiscoveryProps): ResolvedNfd {
  const namespace = checkLabel(scope, 'ATLS-NAME001', 'namespace', props.namespace ?? DEFAULT_NAMESPACE);
  const image = checkImage(scope, 'image', props.image) ?? Versions.NODE_FEATURE_DISCOVERY_IMAGE;
  checkTolerations(scope, props.workerTolerations);
  const workerConfig = renderWorkerConfig(scope, props.workerConfig);
  const extraRules = checkRules(scope, props.extraRules);
  return {
    namespace,
    image,
    workerTolerations: props.workerTolerations?.length ? props.workerTolerations : undefined,
    workerConfig,
    extraRules,
    installCrds: props.installCrds ?? true,
  };
}

function checkTolerations(scope: IConstruct, tolerations: k8s.Toleration[] | undefined): void {
  if (tolerations === undefined) return;
  if (!Array.isArray(tolerations)) throw ruleError('ATLS-NFD001', scope, 'workerTolerations', 'must be a list');
  tolerations.forEach((t, i) => {
    const fail = (detail: string) => ruleError('ATLS-NFD001', scope, `workerTolerations[${i}]`, detail);
    if (typeof t !== 'object' || t === null) throw fail('must be a toleration');
    const op = t.operator ?? 'Equal';
    if (op !== 'Equal' && op !== 'Exists') throw fail(`operator '${op}' is not Equal or Exists`);
    if (op === 'Exists' && t.value) throw fail('operator Exists takes no value');
    if (op === 'Equal' && !t.key) throw fail('operator Equal needs a key');
    if (t.effect !== undefined && !EFFECTS.includes(t.effect)) throw fail(`effect '${t.effect}' is not one of ${EFFECTS.join(', ')}`);
  });
}

function checkRules(scope: IConstruct, defs: NodeFeatureRuleDefinition[] | undefined): NodeFeatureRuleDefinition[] {
  if (defs === undefined) return [];
  if (!Array.isArray(defs)) throw ruleError('ATLS-NFD001', scope, 'extraRules', 'must be a list');
  const names = new Set<string>();
  defs.forEach((d, i) => {
    const prop = `extraRules[${i}]`;
    if (typeof d !== 'object' || d === null) throw ruleError('ATLS-NFD001', scope, prop, 'must be a NodeFeatureRuleDefinition');
    checkSubdomain(scope, 'ATLS-NAME001', `${prop}.name`, d.name);
    if (names.has(d.name)) throw ruleError('ATLS-NFD001', scope, `${prop}.name`, `'${d.name}' is used by another rule`);
    names.add(d.name);
    checkNonEmptyList(scope, 'ATLS-NFD001', `${prop}.rules`, d.rules, 'at least one rule is required').forEach((r, j) => {
      if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || r.name.length === 0) {
        throw ruleError('ATLS-NFD001', scope, `${prop}.rules[${j}].name`, 'every rule needs a name');
      }
    });
  });
  return defs;
}
