import { IConstruct } from 'constructs';

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

const RULES: RuleInfo[] = [
  { id: 'ATLS-GW001', acknowledgeable: false, description: 'A gateway needs at least one listener.' },
  { id: 'ATLS-GW002', acknowledgeable: false, description: 'Listener names must be unique within a gateway (and are required when two listeners share a port).' },
  { id: 'ATLS-GW003', acknowledgeable: false, description: 'Two listeners of a gateway may not share a port and hostname.' },
  { id: 'ATLS-GW004', acknowledgeable: false, description: 'Ports are integers within 1–65535.' },
  { id: 'ATLS-GW005', acknowledgeable: false, description: 'Names are DNS-1123 labels or subdomains, hostnames are (wildcard) DNS names.' },
  { id: 'ATLS-GW006', acknowledgeable: false, description: 'Envoy sizing must be positive: cpu, memory, replicas and concurrency.' },
  { id: 'ATLS-KEY001', acknowledgeable: false, description: 'A gateway needs a KeyProvider, and a provider pollDelay must be at least 1 ms (the provider protos require gte 1ms).' },
  { id: 'ATLS-KEY002', acknowledgeable: true, description: 'QAT accelerates RSA keys only; any other key silently falls back to software.' },
  { id: 'ATLS-KEY003', acknowledgeable: false, description: 'CryptoMB accepts RSA 1024/2048/3072/4096 with e=65537 and ECDSA P-256; Envoy rejects other curves and exponents.' },
  { id: 'ATLS-KEY004', acknowledgeable: true, description: 'The key algorithm of a certificate is unknown, so provider fit cannot be checked (warning).' },
  { id: 'ATLS-CERT001', acknowledgeable: false, description: 'The certificate and private key must match (Envoy Gateway rejects the Secret).' },
  { id: 'ATLS-CERT002', acknowledgeable: false, description: 'The certificate must be within its validity period (Envoy Gateway drops the whole Secret).' },
  { id: 'ATLS-CERT003', acknowledgeable: false, description: 'PEM input must parse as a certificate and a private key.' },
  { id: 'ATLS-CERT004', acknowledgeable: false, description: 'cert-manager options must be valid: DNS names, issuer name and kind, a key size the algorithm allows.' },
  { id: 'ATLS-SEC001', acknowledgeable: false, description: 'One Secret may back only one listener per gateway (per GatewayClass when merged): duplicate xDS Secrets can lose the key provider patch.' },
  { id: 'ATLS-IMG001', acknowledgeable: false, description: 'A key provider needs a contrib Envoy image; other images reject the config even with fallback.' },
  { id: 'ATLS-APP001', acknowledgeable: false, description: 'Two objects of the same kind may not share a name and namespace in one app.' },
  { id: 'ATLS-APP002', acknowledgeable: false, description: 'Singletons (EnvoyGatewayConfig, EnvoyPatchPolicyGuard, NodeFeatureDiscovery) exist once per app.' },
  { id: 'ATLS-APP003', acknowledgeable: false, description: 'The app\'s construct `crds` is the Chart of the CustomResourceDefinitions the library emits (synthesized first).' },
  { id: 'ATLS-MRG001', acknowledgeable: false, description: 'Merged gateways must share one GatewayClass that exactly one of them creates.' },
  { id: 'ATLS-NFD001', acknowledgeable: false, description: 'Node Feature Discovery props must be valid: image, worker tolerations, worker config, extra NodeFeatureRules.' },
  { id: 'ATLS-AFF001', acknowledgeable: false, description: 'CryptoMB with REQUIRED placement needs Node Feature Discovery labels (CryptoMbAffinity or NodeFeatureDiscovery.useExisting).' },
  { id: 'ATLS-QAT001', acknowledgeable: false, description: 'A QAT gateway must request a resource the app\'s QAT device plugin advertises for its configured services.' },
  { id: 'ATLS-QAT002', acknowledgeable: false, description: 'QAT device plugin and host preparation settings must be valid (flags, PCI ids, uid, memlock, node selector).' },
  { id: 'ATLS-BENCH001', acknowledgeable: true, description: 'A benchmarked accelerated gateway needs a KeyProvider.software() baseline of the same shape and placement among the targets.' },
  { id: 'ATLS-BENCH002', acknowledgeable: false, description: 'HandshakeBenchmark props must be valid: targets, hostname, concurrency, duration, qps, client resources, images.' },
  { id: 'ATLS-GRD001', acknowledgeable: false, description: 'EnvoyPatchPolicyGuard props must be valid: exempt namespaces are distinct DNS-1123 labels, allowed patches non-empty CEL conditions with balanced brackets and quotes.' },
  { id: 'ATLS-ARGO001', acknowledgeable: false, description: 'ArgoCdSyncWaves waves are integers, the custom resources\' above the CRDs\'.' },
];

const acknowledgements = new WeakMap<IConstruct, Map<string, string>>();
let acknowledgementCount = 0;

/** @internal changes whenever an acknowledgement is recorded (synth-time checks re-run then). */
export function acknowledgementVersion(): number {
  return acknowledgementCount;
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
    let map = acknowledgements.get(scope);
    if (!map) {
      map = new Map();
      acknowledgements.set(scope, map);
    }
    map.set(ruleId, reason);
    acknowledgementCount++;
  }

  /**
   * The acknowledgement in force for `scope` (on it or an ancestor), if any.
   */
  public static acknowledgementOf(scope: IConstruct, ruleId: string): Acknowledgement | undefined {
    for (const s of [...scope.node.scopes].reverse()) {
      const reason = acknowledgements.get(s)?.get(ruleId);
      if (reason !== undefined) return { ruleId, reason, path: s.node.path };
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

/** @internal the message every rule violation uses: rule id, construct path, prop. */
export function ruleMessage(ruleId: string, scope: IConstruct, prop: string, detail: string): string {
  return `[${ruleId}] ${scope.node.path}: ${prop}: ${detail}`;
}

/** @internal throws the rule violation at once (constructor tier). */
export function ruleError(ruleId: string, scope: IConstruct, prop: string, detail: string): Error {
  return new Error(ruleMessage(ruleId, scope, prop, detail));
}

/**
 * @internal a violation found at synth time: returns the message, or undefined when the rule
 * is acknowledged (an acknowledgeable rule only).
 */
export function ruleViolation(ruleId: string, scope: IConstruct, prop: string, detail: string): string | undefined {
  const rule = RULES.find((r) => r.id === ruleId);
  if (rule?.acknowledgeable && Rules.acknowledgementOf(scope, ruleId)) return undefined;
  return ruleMessage(ruleId, scope, prop, detail);
}
