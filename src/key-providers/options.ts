import { Duration } from 'cdk8s';

/** Where CryptoMB gateways may be scheduled. */
export enum NodePlacement {
  /** Only on nodes labelled CryptoMB-capable (requiredDuringScheduling). */
  REQUIRED = 'REQUIRED',
  /** Prefer labelled nodes (weighted preferredDuringScheduling), run anywhere otherwise. */
  PREFERRED = 'PREFERRED',
  /** No affinity: relies on `fallback` on nodes without AVX-512 multi-buffer support. */
  ANY = 'ANY',
}

/** Options shared by the hardware key providers. */
export interface KeyProviderOptions {
  /**
   * How long a queue of private-key operations may wait before it is processed.
   * Lower favours latency, higher throughput. Must be at least 1 ms (ATLS-KEY006); above 200 ms,
   * Envoy's own default, a warning (ATLS-KEY008) says that a batch that is not full waits that
   * long, so at low load every handshake does.
   *
   * The batch effect: CryptoMB signs up to 8 operations in one call, and a call costs the same
   * CPU whether 1 or 8 lanes carry work (measured on Ice Lake: RSA-2048 and ECDSA P-256 alike).
   * Below about 3 operations per batch CryptoMB is slower than software. A longer delay fills
   * batches at moderate load but adds up to that delay to each handshake; a full batch is
   * processed at once.
   * @default Duration.millis(1)
   */
  readonly pollDelay?: Duration;
  /**
   * Fall back to software (BoringSSL) when the provider is unavailable on a node,
   * so a node that loses its accelerator keeps serving.
   * @default true
   */
  readonly fallback?: boolean;
}

/** Options of `KeyProvider.qat()`. */
export interface QatProviderOptions extends KeyProviderOptions {
  /**
   * Extended resource the Envoy pods request (advertised by the QAT device plugin
   * for the `sym;asym` services).
   * @default 'qat.intel.com/cy'
   */
  readonly resourceName?: string;
  /**
   * QAT resources requested per Envoy replica (requests = limits).
   * @default 1
   */
  readonly resourcesPerReplica?: number;
}

/** Options of `KeyProvider.cryptoMb()`. */
export interface CryptoMbProviderOptions extends KeyProviderOptions {
  /**
   * Node affinity of the Envoy pods to CryptoMB-capable nodes.
   * @default NodePlacement.REQUIRED
   */
  readonly placement?: NodePlacement;
}

/** Options of `KeyProvider.software()`. */
export interface SoftwareProviderOptions {
  /**
   * Place the Envoy pods like a CryptoMB gateway with this placement, so a benchmark baseline
   * runs on the same node type as the CryptoMB gateway it is compared with.
   * @default NodePlacement.ANY (no affinity)
   */
  readonly placement?: NodePlacement;
  /**
   * Place the Envoy pods on QAT-ready nodes, where a QAT gateway's pods land (they request a QAT
   * VF, which only the nodes the app's QAT device plugin runs on advertise), so a benchmark
   * baseline runs on the same node type as the QAT gateway it is compared with. The node
   * selector is the plugin's (by default `QatDevicePlugin.READY_LABEL: 'true'`).
   * @default false
   */
  readonly onQatNodes?: boolean;
}

/** The kind of private key provider. */
export enum KeyProviderKind {
  /** Intel QuickAssist (contrib `qat` provider). */
  QAT = 'qat',
  /** AVX-512 multi-buffer crypto (contrib `cryptomb` provider). */
  CRYPTOMB = 'cryptomb',
  /** No provider: BoringSSL in software. */
  SOFTWARE = 'software',
}
