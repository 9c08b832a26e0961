// What shows that a key provider handled a benchmark's handshakes, as the benchmark script
// (assets/handshake-benchmark.py) reads it from Envoy. Sources: envoyproxy/envoy contrib/ at the
// contrib image's version, and Envoy Gateway v1.9.
import { KeyProviderKind } from './key-provider';

/**
 * @internal A provider that counts its batches of key operations in Envoy stats.
 *
 * CryptoMB creates its histograms `rsa_queue_sizes` and `ecdsa_queue_sizes` (one sample per batch;
 * contrib/cryptomb/private_key_providers/source/cryptomb_stats.h, ALL_CRYPTOMB_STATS) under the
 * prefix `cryptomb.` in the scope of the transport socket factory context
 * (cryptomb_private_key_provider.cc: `generateCryptoMbStats("cryptomb", factory_context.statsScope())`),
 * which for a listener is `listener.<stat_prefix, else address>.`
 * (source/common/listener_manager/listener_impl.cc, `listenerStatsScope`). Envoy Gateway v1.9
 * sets no listener stat_prefix (internal/xds/translator/listener.go) and turns on the default tag
 * extraction (internal/xds/bootstrap/bootstrap.yaml.tpl, `use_all_default_tags: true`), which
 * moves the address into a label: `envoy_listener_cryptomb_rsa_queue_sizes_count{envoy_listener_address="0.0.0.0_10443"}`.
 * The script matches `envoy_listener_` … suffix, so a listener stat_prefix left in the name matches too.
 */
export interface _StatsEvidence {
  /** Prometheus name suffixes of the batch counters (histogram `_count`s). */
  readonly statSuffixes: string[];
  /** Key types whose every operation goes through a batch: none counted means fallback. */
  readonly queuedKeyTypes: string[];
}

/**
 * @internal A provider that publishes no stats, but logs whether it started (read through the
 * API, `pods/log`).
 */
export interface _LogEvidence {
  /** The Envoy container. */
  readonly container: string;
  /** The message logged when the provider started. */
  readonly started: string;
  /** Messages logged when it did not, each with the reason the table shows. */
  readonly fallbacks: Array<[string, string]>;
  /** Why neither may appear. */
  readonly silent: string;
}

/**
 * QAT (contrib/qat/private_key_providers/source/): qat.cc `QatManager` warns "Failed to start QAT
 * device." when qatlib's icp_sal_userStart fails; qat_private_key_provider.cc warns "Only RSA keys
 * are supported." and "Failed to start QAT." and logs "initialized QAT private key provider" at
 * info, all on Envoy's `connection` logger (QAT gateways raise it to info: `QAT_ENVOY_LOGGING`).
 */
const QAT: _LogEvidence = {
  container: 'envoy',
  started: 'initialized QAT private key provider',
  fallbacks: [
    ['Failed to start QAT device.', 'QAT device not started: no VF in the pod, /dev/vfio not usable by Envoy\'s user, or memlock too low'],
    ['Only RSA keys are supported.', 'not an RSA key'],
    ['Failed to start QAT.', 'no QAT crypto instance started'],
  ],
  silent: 'it logs its start at info on the connection logger',
};

const CRYPTOMB: _StatsEvidence = {
  statSuffixes: ['_cryptomb_rsa_queue_sizes_count', '_cryptomb_ecdsa_queue_sizes_count'],
  // RSA and ECDSA P-256 (the only curve the gateway lets through to it) are both batched.
  queuedKeyTypes: ['RSA', 'ECDSA'],
};

/** @internal The evidence a provider kind leaves; undefined for software. */
export function _benchmarkEvidence(kind: KeyProviderKind): _StatsEvidence | _LogEvidence | undefined {
  return { [KeyProviderKind.QAT]: QAT, [KeyProviderKind.CRYPTOMB]: CRYPTOMB, [KeyProviderKind.SOFTWARE]: undefined }[kind];
}

/**
 * @internal Envoy Gateway's log levels (default warn, misc error) with the `connection` logger at
 * info, where the QAT provider logs that it started.
 */
export const QAT_ENVOY_LOGGING = { level: { default: 'warn', connection: 'info', misc: 'error' } };
