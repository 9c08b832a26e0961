import { Duration } from 'cdk8s';
import { ProviderBehaviour } from './behaviour';
import { CryptoMbProvider } from './cryptomb';
import {
  CryptoMbProviderOptions, KeyProviderKind, NodePlacement, QatProviderOptions, SoftwareProviderOptions,
} from './options';
import { QatProvider } from './qat';
import { SoftwareProvider } from './software';

/**
 * Which Envoy private key provider handles a gateway's handshake key operations.
 */
export class KeyProvider {
  /** Intel QAT hardware (RSA keys only), through Envoy's contrib `qat` provider. */
  public static qat(options: QatProviderOptions = {}): KeyProvider {
    return new KeyProvider(new QatProvider(options));
  }

  /** AVX-512 multi-buffer crypto (RSA and ECDSA P-256), through Envoy's contrib `cryptomb` provider. */
  public static cryptoMb(options: CryptoMbProviderOptions = {}): KeyProvider {
    return new KeyProvider(new CryptoMbProvider(options));
  }

  /** No provider: the software baseline (same gateway, no patch policy). */
  public static software(options: SoftwareProviderOptions = {}): KeyProvider {
    return new KeyProvider(new SoftwareProvider(options));
  }

  /** The provider kind. */
  public readonly kind: KeyProviderKind;
  /** Poll delay (validated by the gateway); undefined for software. */
  public readonly pollDelay?: Duration;
  /** Whether Envoy falls back to software when the provider is unavailable. */
  public readonly fallback: boolean;
  /** QAT only: the extended resource requested. */
  public readonly resourceName?: string;
  /** QAT only: resources per replica. */
  public readonly resourcesPerReplica?: number;
  /** CryptoMB (and a software baseline placed like one): node placement. */
  public readonly placement?: NodePlacement;
  /** Whether the Envoy pods run on QAT nodes: QAT's always, a software baseline's when asked. */
  public readonly onQatNodes: boolean;

  /** @internal What the provider adds to a gateway, and what it checks. */
  public readonly _behaviour: ProviderBehaviour;

  private constructor(behaviour: ProviderBehaviour) {
    this._behaviour = behaviour;
    this.kind = behaviour.kind;
    this.pollDelay = behaviour.pollDelay;
    this.fallback = behaviour.fallback;
    this.resourceName = behaviour.resourceName;
    this.resourcesPerReplica = behaviour.resourcesPerReplica;
    this.placement = behaviour.placement;
    this.onQatNodes = behaviour.onQatNodes;
  }

  /** Whether this is a hardware provider (needs a patch policy and a contrib image). */
  public get accelerated(): boolean {
    return this._behaviour.configType !== undefined;
  }
}
