import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { guardValidations } from './patch-policy-cel';
import { AppRegistry } from '../core/app-registry';
import { clusterScoped } from '../core/cluster-scoped';
import { ruleError } from '../core/rules';
import { checkLabel, checkSubdomain } from '../core/validation';

/** Props of `EnvoyPatchPolicyGuard`. */
export interface EnvoyPatchPolicyGuardProps {
  /**
   * Emit the ValidatingAdmissionPolicy and its binding. False records that the app has no
   * guard, so gateways do not create one (e.g. the cluster admin runs an equivalent policy).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Name of the ValidatingAdmissionPolicy and of its binding.
   * @default 'atls-envoy-patch-policy-guard'
   */
  readonly name?: string;
  /**
   * Extra CEL conditions over `p`, one item of an EnvoyPatchPolicy's `spec.jsonPatches`
   * (`object` is the whole policy). A patch meeting any of them is admitted even though it is
   * not a private key provider patch, e.g.
   * `object.metadata.namespace == 'edge-admin' && p.type.endsWith('.Listener')`.
   * Each is inserted as `(condition) ||` before every built-in condition.
   * @default none: only the private key provider patches are admitted
   */
  readonly allowedPatches?: string[];
  /**
   * Namespaces whose EnvoyPatchPolicies are not checked at all (the binding's
   * `namespaceSelector` leaves them out). Restrict who may write there with RBAC.
   * @default none
   */
  readonly exemptNamespaces?: string[];
}

const IMPLICIT_ID = 'EnvoyPatchPolicyGuard';
const API_VERSION = 'admissionregistration.k8s.io/v1';

/**
 * A ValidatingAdmissionPolicy and binding that admit an EnvoyPatchPolicy only when every patch
 * is one of the two private key provider operations this library emits (CVE-2026-22771: with
 * EnvoyPatchPolicy enabled, anyone who may create one can rewrite Envoy's config and exfiltrate
 * the xDS client certificate).
 *
 * One per app. Gateways with a key provider create it in their chart unless the app creates
 * one explicitly (anywhere, before or after them): the explicit one wins.
 * `new EnvoyPatchPolicyGuard(scope, id, { enabled: false })` opts the app out.
 */
export class EnvoyPatchPolicyGuard extends Construct {
  /**
   * @internal the app's guard, creating it in `chart` when the app has none.
   */
  public static _ensure(chart: IConstruct): EnvoyPatchPolicyGuard {
    return AppRegistry.of(chart).ensure(EnvoyPatchPolicyGuard, () => new EnvoyPatchPolicyGuard(chart as Construct, IMPLICIT_ID));
  }

  /** The ValidatingAdmissionPolicy, or undefined when disabled. */
  public readonly policy?: ApiObject;
  /** The ValidatingAdmissionPolicyBinding, or undefined when disabled. */
  public readonly binding?: ApiObject;
  /** Whether the guard is emitted. */
  public readonly enabled: boolean;

  constructor(scope: Construct, id: string, props: EnvoyPatchPolicyGuardProps = {}) {
    super(scope, id);
    const name = checkSubdomain(this, 'ATLS-NAME001', 'name', props.name ?? 'atls-envoy-patch-policy-guard');
    const allowed = checkConditions(this, props.allowedPatches ?? []);
    const exempt = checkExempt(this, props.exemptNamespaces ?? []);
    // An explicit guard replaces the one a gateway created on its own.
    AppRegistry.of(this).claim(EnvoyPatchPolicyGuard, this);
    this.enabled = props.enabled ?? true;
    if (!this.enabled) return;

    this.policy = clusterScoped(new ApiObject(this, 'Policy', {
      apiVersion: API_VERSION,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        // An expression that fails to evaluate (or compile) denies: the guard fails closed.
        failurePolicy: 'Fail',
        matchConstraints: {
          // Equivalent: requests for other versions are converted to v1alpha1 and checked too.
          matchPolicy: 'Equivalent',
          resourceRules: [{
            apiGroups: ['gateway.envoyproxy.io'],
            apiVersions: ['v1alpha1'],
            operations: ['CREATE', 'UPDATE'],
            // Not envoypatchpolicies/status: Envoy Gateway's status writes stay unaffected.
            resources: ['envoypatchpolicies'],
          }],
        },
        validations: guardValidations(allowed),
      },
    }));
    this.binding = clusterScoped(new ApiObject(this, 'Binding', {
      apiVersion: API_VERSION,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        ...(exempt.length > 0 ? {
          matchResources: {
            namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: exempt }] },
          },
        } : {}),
      },
    }));
  }
}

function checkConditions(scope: IConstruct, conditions: string[]): string[] {
  if (!Array.isArray(conditions)) throw ruleError('ATLS-GRD001', scope, 'allowedPatches', 'must be a list of CEL conditions');
  conditions.forEach((c, i) => {
    if (typeof c !== 'string' || c.trim().length === 0) {
      throw ruleError('ATLS-GRD001', scope, `allowedPatches[${i}]`, 'must be a non-empty CEL condition over p (one item of spec.jsonPatches)');
    }
    if (!balanced(c)) {
      throw ruleError('ATLS-GRD001', scope, `allowedPatches[${i}]`, `'${c}' has unbalanced brackets or quotes: it would change the meaning of the built-in conditions around it`);
    }
  });
  return conditions;
}

function checkExempt(scope: IConstruct, namespaces: string[]): string[] {
  if (!Array.isArray(namespaces)) throw ruleError('ATLS-GRD001', scope, 'exemptNamespaces', 'must be a list of namespace names');
  namespaces.forEach((ns, i) => checkLabel(scope, 'ATLS-NAME001', `exemptNamespaces[${i}]`, ns));
  if (new Set(namespaces).size !== namespaces.length) {
    throw ruleError('ATLS-GRD001', scope, 'exemptNamespaces', `duplicate namespaces in ${namespaces.join(', ')}`);
  }
  return [...namespaces].sort();
}

/**
 * Brackets balance outside string literals, and every literal is closed: a condition cannot
 * close the `(...)` it is wrapped in and so bypass the built-in conditions.
 */
function balanced(expr: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === '"' || ch === "'") {
      const end = closingQuote(expr, i);
      if (end < 0) return false;
      i = end;
    } else if ('([{'.includes(ch)) {
      stack.push(ch);
    } else if (pairs[ch]) {
      if (stack.pop() !== pairs[ch]) return false;
    }
  }
  return stack.length === 0;
}

function closingQuote(expr: string, start: number): number {
  const q = expr[start];
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === '\\') i++;
    else if (expr[i] === q) return i;
  }
  return -1;
}
