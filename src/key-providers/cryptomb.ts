import { IConstruct } from 'constructs';
import { AppRegistry } from '../app-registry';
import { EnvoyProxySpecProviderKubernetesEnvoyDeploymentPodAffinity as PodAffinity } from '../imports/gateway.envoyproxy.io';
import { KeyAlgorithm, KeyType } from '../key-algorithm';
import { BenchmarkEvidence, ProviderConfigType, ProviderFinding } from './behaviour';
import { HardwareProvider } from './hardware';
import { CryptoMbProviderOptions, KeyProviderKind, NodePlacement } from './options';
import { checkPlacement, cryptoMbAffinity, placementFindings } from './placement';

/** @internal Envoy's contrib `cryptomb` provider. */
export const CRYPTOMB_CONFIG_TYPE: ProviderConfigType = {
  providerName: 'cryptomb',
  typeUrl: 'type.googleapis.com/envoy.extensions.private_key_providers.cryptomb.v3alpha.CryptoMbPrivateKeyMethodConfig',
};

const RSA_BITS = [1024, 2048, 3072, 4096];

/** @internal AVX-512 multi-buffer crypto: RSA and ECDSA P-256, on AVX-512 nodes. */
export class CryptoMbProvider extends HardwareProvider {
  public readonly kind = KeyProviderKind.CRYPTOMB;
  public readonly configType = CRYPTOMB_CONFIG_TYPE;
  // Samples of the queue-size histograms: one per batch of private-key operations.
  public readonly benchmarkEvidence: BenchmarkEvidence = {
    stats: ['envoy_cryptomb_rsa_queue_sizes_count', 'envoy_cryptomb_ecdsa_queue_sizes_count'],
  };
  public readonly placement: NodePlacement;

  constructor(options: CryptoMbProviderOptions) {
    super(options);
    this.placement = options.placement ?? NodePlacement.REQUIRED;
  }

  public validate(scope: IConstruct, prop: string): void {
    super.validate(scope, prop);
    checkPlacement(scope, prop, this.placement);
  }

  public affinity(reg: AppRegistry): PodAffinity | undefined {
    return cryptoMbAffinity(this.placement, reg);
  }

  public keyFit(alg: KeyAlgorithm): Omit<ProviderFinding, 'prop'> | undefined {
    const rsaOk = alg.type === KeyType.RSA && RSA_BITS.includes(alg.bits!) && alg.publicExponent === 65537;
    const ecOk = alg.type === KeyType.ECDSA && alg.curve === 'P-256';
    if (rsaOk || ecOk) return undefined;
    return { ruleId: 'ATLS-KEY003', detail: `CryptoMB accepts RSA 1024/2048/3072/4096 (e=65537) and ECDSA P-256, not ${alg.describe()}` };
  }

  public appFindings(reg: AppRegistry): ProviderFinding[] {
    return placementFindings(this.placement, reg);
  }
}
