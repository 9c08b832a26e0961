import { Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { TlsCertificate } from '../certificates/tls-certificate';
import { KeyProvider } from '../key-providers/key-provider';

/** Protocol of a listener, and the route kind that serves it. */
export enum ListenerProtocol {
  /** TLS terminated by Envoy, bytes forwarded over TCP (a `TCPRoute`): the case of Envoy Gateway's task "Accelerating TLS Handshakes using Private Key Provider in Envoy". */
  TLS = 'TLS',
  /** HTTPS: TLS terminated, HTTP routed (an `HTTPRoute`). */
  HTTPS = 'HTTPS',
}

/** Type of the Envoy Service. */
export enum EnvoyServiceType {
  /** NodePort (the choice of Envoy Gateway's private key provider task, for benchmarking from a node). */
  NODE_PORT = 'NodePort',
  /** LoadBalancer. */
  LOAD_BALANCER = 'LoadBalancer',
  /** ClusterIP. */
  CLUSTER_IP = 'ClusterIP',
}

/** The Service a listener forwards to. */
export interface ListenerBackend {
  /** Service name. */
  readonly serviceName: string;
  /** Service port. */
  readonly port: number;
  /**
   * Service namespace; a ReferenceGrant is emitted when it differs from the gateway's.
   * @default the gateway's namespace
   */
  readonly namespace?: string;
}

/** One TLS listener of the gateway. */
export interface GatewayListener {
  /**
   * Listener name (the route's `sectionName`). Required when two listeners share a port.
   * @default `tls-<port>`
   */
  readonly name?: string;
  /**
   * Port.
   * @default 443
   */
  readonly port?: number;
  /**
   * Protocol.
   * @default ListenerProtocol.TLS
   */
  readonly protocol?: ListenerProtocol;
  /**
   * Hostname (SNI) the listener matches.
   * @default any hostname
   */
  readonly hostname?: string;
  /** Certificate served. */
  readonly certificate: TlsCertificate;
  /** Backend Service. */
  readonly backend: ListenerBackend;
}

/** Envoy data plane settings (the EnvoyProxy). */
export interface EnvoyOptions {
  /**
   * Envoy image. Must be a contrib build when a key provider is used.
   * @default Versions.ENVOY_CONTRIB_IMAGE
   */
  readonly image?: string;
  /**
   * Accept an image without `contrib` in its reference together with a key provider.
   * @default false
   */
  readonly allowNonContribImage?: boolean;
  /**
   * Envoy worker threads.
   * @default the whole CPUs requested, at least 1
   */
  readonly concurrency?: number;
  /**
   * Envoy replicas. Two or more add a PodDisruptionBudget (one pod unavailable at a time) and
   * spread the pods across nodes.
   * @default Envoy Gateway's default (1)
   */
  readonly replicas?: number;
  /**
   * CPU per Envoy pod (requests = limits).
   * @default Cpu.millis(1000)
   */
  readonly cpu?: Cpu;
  /**
   * Memory per Envoy pod (requests = limits). Below 64 MiB Envoy cannot start (it is about
   * 60 MiB resident before serving anything: ATLS-GW007, an error); below 512 MiB, Envoy Gateway's
   * default request, a warning (ATLS-GW008) says it is OOM-killed under load.
   * @default Size.mebibytes(4096)
   */
  readonly memory?: Size;
  /**
   * Type of the Envoy Service.
   * @default EnvoyServiceType.NODE_PORT
   */
  readonly serviceType?: EnvoyServiceType;
  /**
   * Name of the Envoy Service (a DNS-1035 label, at most 63 characters).
   * @default `envoy-<gateway namespace>-<gateway name>` (shortened with a hash when longer)
   */
  readonly serviceName?: string;
  /**
   * Annotations of the Envoy Service.
   * @default none
   */
  readonly serviceAnnotations?: { [key: string]: string };
  /**
   * Tolerations of the Envoy pods (accelerator nodes are often tainted).
   * @default none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Image pull secrets of the Envoy pods.
   * @default none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Namespace of the EnvoyProxy.
   * @default 'envoy-gateway-system'
   */
  readonly namespace?: string;
}

/** Props of `AcceleratedTlsGateway`. */
export interface AcceleratedTlsGatewayProps {
  /** Private key provider: `KeyProvider.qat()`, `.cryptoMb()` or `.software()`. */
  readonly provider: KeyProvider;
  /** Listeners (at least one). */
  readonly listeners: GatewayListener[];
  /**
   * Namespace of the Gateway, its routes, ReferenceGrants, certificate objects and patch policy.
   * The GatewayClass is cluster-scoped, and the EnvoyProxy stays in `envoy.namespace`.
   * @default the namespace of the chart it is in, when the chart has one; 'default' otherwise
   */
  readonly namespace?: string;
  /**
   * Gateway name.
   * @default derived from the construct id
   */
  readonly name?: string;
  /**
   * GatewayClass name.
   * @default `<namespace>-<name>`
   */
  readonly gatewayClassName?: string;
  /**
   * Create the GatewayClass and its EnvoyProxy. Under `mergeGateways`, exactly one gateway of
   * the class creates them; the others set false.
   * @default true
   */
  readonly createGatewayClass?: boolean;
  /**
   * Merge this gateway with the others of its GatewayClass into one Envoy fleet.
   * The patch policy then targets the GatewayClass.
   * @default false
   */
  readonly mergeGateways?: boolean;
  /**
   * Envoy data plane settings.
   * @default as in Envoy Gateway's task "Accelerating TLS Handshakes using Private Key Provider in Envoy": 1 CPU, 4 GiB, NodePort; the pinned contrib image
   */
  readonly envoy?: EnvoyOptions;
}
