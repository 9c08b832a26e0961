import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ProviderConfigType } from './config-types';
import { KeyProviderKind, NodePlacement } from './options';
import { KeyAlgorithm } from '../certificates/key-algorithm';
import { AppRegistry } from '../core/app-registry';
import { RuleId } from '../core/rule-catalog';
import {
  EnvoyProxySpecLogging,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentPodAffinity as PodAffinity,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategy as DeploymentStrategy,
} from '../imports/gateway.envoyproxy.io';

/** @internal A rule a provider finds broken: the rule id, the prop it concerns and why. */
export interface ProviderFinding {
  readonly ruleId: RuleId;
  readonly prop: string;
  readonly detail: string;
}

/**
 * @internal Benchmark evidence of a provider that counts its batches of key operations in Envoy
 * stats, in the scope of the listener that uses it (the script matches `envoy_listener_`… suffix,
 * whatever the listener's address label or stat_prefix).
 */
export interface StatsEvidence {
  /** Prometheus name suffixes of the batch counters (histogram `_count`s). */
  readonly statSuffixes: string[];
  /** Key types whose every operation goes through a batch: none counted means fallback. */
  readonly queuedKeyTypes: string[];
}

/**
 * @internal Benchmark evidence of a provider that publishes no stats but logs whether it started,
 * read from the Envoy pods through the API (`pods/log`). Envoy's default log format ends a line
 * with `] <message>`.
 */
export interface LogEvidence {
  /** The Envoy container. */
  readonly container: string;
  /** The message logged when the provider started. */
  readonly started: string;
  /** Messages logged when it did not, each with the reason the table shows. */
  readonly fallbacks: Array<[string, string]>;
  /** Why neither may appear in a log. */
  readonly silent: string;
}

/** @internal What a benchmark reads from Envoy to tell whether the provider handled the handshakes. */
export type BenchmarkEvidence = StatsEvidence | LogEvidence;

/** @internal The private key provider an EnvoyPatchPolicy adds to a certificate's xDS Secret. */
export interface ProviderPatchValue {
  readonly provider_name: string;
  readonly typed_config: { readonly [key: string]: unknown };
  readonly fallback: boolean;
}

/**
 * @internal The behaviour of one key provider kind: what it adds to the Envoy pods and the
 * patch policy, which keys it serves, what it needs from the app and what the benchmark reads.
 * `KeyProvider` delegates to it, so a new kind is one subclass (and its factory).
 */
export abstract class ProviderBehaviour {
  public abstract readonly kind: KeyProviderKind;
  /** Envoy config identity; undefined for software (no patch policy, any Envoy image). */
  public abstract readonly configType?: ProviderConfigType;
  /** Benchmark evidence; undefined for software (the baseline has nothing to prove). */
  public abstract readonly benchmarkEvidence?: BenchmarkEvidence;
  public readonly pollDelay?: Duration;
  public readonly fallback: boolean = true;
  public readonly resourceName?: string;
  public readonly resourcesPerReplica?: number;
  public readonly placement?: NodePlacement;
  /** Whether the Envoy pods run on QAT nodes (QAT through its VF request, a baseline by selector). */
  public readonly onQatNodes: boolean = false;
  /** How a software baseline is placed like this provider's pods (for error messages). */
  public readonly baselineOption?: string;

  /** Constructor-tier checks of the provider's own props; `prop` is where it was passed. */
  public validate(_scope: IConstruct, _prop: string): void {}

  /** The patch value installing the provider; undefined when there is none (software). */
  public patchValue(): ProviderPatchValue | undefined {
    return undefined;
  }

  /** Extended resources each Envoy pod requests (requests = limits). */
  public podResources(): Record<string, string> {
    return {};
  }

  /** The Envoy Deployment's rollout strategy, when the provider needs one. */
  public rolloutStrategy(): DeploymentStrategy | undefined {
    return undefined;
  }

  /** Node affinity of the Envoy pods (resolved at synth: node labels depend on the app). */
  public affinity(_reg: AppRegistry): PodAffinity | undefined {
    return undefined;
  }

  /** Node selector of the Envoy pods beyond amd64 (resolved at synth: it depends on the app). */
  public nodeSelector(_reg: AppRegistry): Record<string, string> | undefined {
    return undefined;
  }

  /** Envoy's log levels (EnvoyProxy `logging`), when the provider needs other than Envoy Gateway's. */
  public envoyLogging(): EnvoyProxySpecLogging | undefined {
    return undefined;
  }

  /** Why a certificate key does not fit the provider, or undefined when it does. */
  public keyFit(_alg: KeyAlgorithm): Omit<ProviderFinding, 'prop'> | undefined {
    return undefined;
  }

  /** What the provider needs from the rest of the app (synth tier, props below `provider`). */
  public appFindings(_reg: AppRegistry): ProviderFinding[] {
    return [];
  }
}
