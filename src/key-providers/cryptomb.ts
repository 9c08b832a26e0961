import { IConstruct } from 'constructs';
import { BenchmarkEvidence, ProviderFinding, StatsEvidence } from './behaviour';
import { CRYPTOMB_CONFIG_TYPE } from './config-types';
import { HardwareProvider } from './hardware';
import { CryptoMbProviderOptions, KeyProviderKind, NodePlacement } from './options';
import { checkPlacement, cryptoMbAffinity, placementFindings } from './placement';
import { KeyAlgorithm, KeyType } from '../certificates/key-algorithm';
import { AppRegistry } from '../core/app-registry';
import { EnvoyProxySpecProviderKubernetesEnvoyDeploymentPodAffinity as PodAffinity } from '../imports/gateway.envoyproxy.io';

const RSA_BITS = [1024, 2048, 3072, 4096];

/**
 * CryptoMB samples its histograms `rsa_queue_sizes` and `ecdsa_queue_sizes` once per batch of
 * private-key operations (contrib/cryptomb/private_key_providers/source/cryptomb_stats.h,
 * ALL_CRYPTOMB_STATS), under `cryptomb.` in the transport socket factory context's scope
 * (cryptomb_private_key_provider.cc: `generateCryptoMbStats("cryptomb", factory_context.statsScope())`),
 * which for a listener is `listener.<stat_prefix, else address>.` (source/common/listener_manager/
 * listener_impl.cc, `listenerStatsScope`). Envoy Gateway v1.9 sets no listener stat_prefix
 * (internal/xds/translator/listener.go) and turns on the default tag extraction
 * (internal/xds/bootstrap/bootstrap.yaml.tpl, `use_all_default_tags: true`), which moves the
 * address into a label: `envoy_listener_cryptomb_rsa_queue_sizes_count{envoy_listener_address="0.0.0.0_10443"}`.
 * RSA and ECDSA P-256 (the only curve `keyFit` lets through) are both always batched.
 */
const EVIDENCE: StatsEvidence = {
  statSuffixes: ['_cryptomb_rsa_queue_sizes_count', '_cryptomb_ecdsa_queue_sizes_count'],
  queuedKeyTypes: [KeyType.RSA, KeyType.ECDSA],
};

/** @internal AVX-512 multi-buffer crypto: RSA and ECDSA P-256, on AVX-512 nodes. */
export class CryptoMbProvider extends HardwareProvider {
  public readonly kind = KeyProviderKind.CRYPTOMB;
  public readonly configType = CRYPTOMB_CONFIG_TYPE;
  public readonly benchmarkEvidence: BenchmarkEvidence = EVIDENCE;
  public readonly baselineOption = 'placement';
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
    if (rsaOk && alg.bits === 3072) {
      return {
        ruleId: 'ATLS-KEY007',
        detail: 'crypto_mb has fused multi-buffer kernels for RSA 1024, 2048 and 4096 but none for 3072: measured on Ice Lake, RSA-3072 signs ran '
          + '0.88x OpenSSL\'s rate per core (RSA-2048 2.25x, RSA-4096 2.55x, ECDSA P-256 3.69x), so CryptoMB makes these handshakes slower; '
          + 'use an RSA 2048 or 4096 or an ECDSA P-256 key, or KeyProvider.software() for this one',
      };
    }
    if (rsaOk || ecOk) return undefined;
    return { ruleId: 'ATLS-KEY003', detail: `CryptoMB accepts RSA 1024/2048/3072/4096 (e=65537) and ECDSA P-256, not ${alg.describe()}` };
  }

  public appFindings(reg: AppRegistry): ProviderFinding[] {
    return [...super.appFindings(reg), ...placementFindings(this.placement, reg)];
  }
}
