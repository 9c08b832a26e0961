import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NodeFeatureDiscovery } from './node-feature-discovery';
import { AppRegistry } from '../core/app-registry';
import { checkSubdomain } from '../core/validation';
import { NodeFeatureRule, NodeFeatureRuleSpecRulesMatchFeaturesMatchExpressionsOp as Op } from '../imports/nfd.k8s-sigs.io';

/** Props of `CryptoMbAffinity`. */
export interface CryptoMbAffinityProps {
  /**
   * Name of the NodeFeatureRule (cluster-scoped).
   * @default 'cryptomb-avx512'
   */
  readonly ruleName?: string;
}

/**
 * Labels the nodes whose CPUs can run Envoy's CryptoMB private key provider, and makes
 * CryptoMB gateways of the app select them.
 *
 * Installs the app's NodeFeatureDiscovery (or reuses it, or relies on
 * `NodeFeatureDiscovery.useExisting`) and a NodeFeatureRule that sets `NODE_LABEL=true` when
 * the raw CPUID features include every one of `CPUID_FEATURES`: crypto_mb's AVX-512 check.
 * BMI2 is on NFD's default label blacklist, so no built-in `cpu-cpuid.*` label can express
 * it; NodeFeatureRules see the unfiltered features.
 */
export class CryptoMbAffinity extends Construct {
  /** The node label our rule sets to `"true"` on CryptoMB-capable nodes. */
  public static readonly NODE_LABEL = 'feature.node.kubernetes.io/cryptomb-avx512';

  /**
   * The CPUID features the rule requires (crypto_mb's AVX-512 path). NFD reports the AVX-512
   * ones only when the OS enables AVX-512 state, which crypto_mb checks too.
   */
  public static readonly CPUID_FEATURES: string[] = ['AVX512F', 'AVX512DQ', 'AVX512BW', 'AVX512IFMA', 'AVX512VBMI2', 'BMI2'];

  /** The NodeFeatureRule. */
  public readonly rule: ApiObject;
  /** The node label CryptoMB gateways require (`NODE_LABEL`). */
  public readonly label: string;

  constructor(scope: Construct, id: string, props: CryptoMbAffinityProps = {}) {
    super(scope, id);
    const name = checkSubdomain(this, 'ATLS-NAME001', 'ruleName', props.ruleName ?? 'cryptomb-avx512');
    NodeFeatureDiscovery._ensure(this);
    this.label = CryptoMbAffinity.NODE_LABEL;
    this.rule = new NodeFeatureRule(this, 'Rule', {
      metadata: { name },
      spec: {
        rules: [{
          name: 'cryptomb.avx512',
          labels: { [this.label]: 'true' },
          matchFeatures: [{
            feature: 'cpu.cpuid',
            matchExpressions: Object.fromEntries(CryptoMbAffinity.CPUID_FEATURES.map((f) => [f, { op: Op.EXISTS }])),
          }],
        }],
      },
    });
    AppRegistry.of(this).register(CryptoMbAffinity, this);
  }
}
