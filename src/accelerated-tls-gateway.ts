import { ApiObject, Chart, Lazy, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry, NfdMode } from './app-registry';
import { EnvoyPatchPolicyGuard } from './envoy-patch-policy-guard';
import { Certificate } from './imports/cert-manager.io';
import {
  EnvoyPatchPolicy, EnvoyPatchPolicySpecJsonPatchesOperationOp, EnvoyPatchPolicySpecJsonPatchesType, EnvoyPatchPolicySpecType, EnvoyProxy,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentContainerResourcesLimits as Limit,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentContainerResourcesRequests as Request,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategyRollingUpdateMaxSurge as MaxSurge,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentStrategyRollingUpdateMaxUnavailable as MaxUnavailable,
  EnvoyProxySpecProviderKubernetesEnvoyPdbMaxUnavailable as PdbMaxUnavailable,
} from './imports/gateway.envoyproxy.io';
import { Gateway, GatewayClass, HttpRoute, ReferenceGrant, TcpRoute } from './imports/gateway.networking.k8s.io';
import { KeyProvider, KeyProviderKind, NodePlacement } from './key-provider';
import { checkHostname, checkLabel, checkPort, checkResourceName, checkSubdomain, cpuCores, dns1035, labelFromId, mebibytes, protoDuration } from './names';
import { PROVIDER_TYPES } from './patch-policy-cel';
import { ruleError, ruleViolation } from './rules';
import { CertificateSource, KeyType, TlsCertificate } from './tls-certificate';
import { Versions } from './versions';

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
   * Memory per Envoy pod (requests = limits).
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
   * Namespace of the Gateway, its routes and its patch policy.
   * @default 'default'
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

const GW_GROUP = 'gateway.networking.k8s.io';
/** The five NFD cpuid labels Envoy Gateway's private key provider task selects CryptoMB nodes by. */
const TASK_CRYPTOMB_LABELS = ['AVX512F', 'AVX512DQ', 'AVX512BW', 'AVX512IFMA', 'AVX512VBMI2'].map((f) => `feature.node.kubernetes.io/cpu-cpuid.${f}`);
const CRYPTOMB_RSA_BITS = [1024, 2048, 3072, 4096];

/** The Envoy pods' image and size, with defaults applied (resolved once, validated). */
interface EnvoySizing {
  readonly image: string;
  readonly cpu: Cpu;
  readonly memory: string;
  readonly concurrency: number;
  readonly replicas?: number;
}

interface ResolvedListener {
  readonly name: string;
  readonly port: number;
  readonly protocol: ListenerProtocol;
  readonly hostname?: string;
  readonly certificate: TlsCertificate;
  readonly secretNamespace: string;
  readonly backend: ListenerBackend;
  readonly backendNamespace: string;
  readonly prop: string;
}

/**
 * A Gateway terminating TLS on Envoy Gateway with the handshake's private-key operations
 * offloaded to Intel QAT or AVX-512 CryptoMB (or in software, as a baseline).
 *
 * Synthesizes the GatewayClass, EnvoyProxy (pinned contrib image, resources, placement),
 * Gateway, one route per listener, ReferenceGrants for cross-namespace references, and the
 * EnvoyPatchPolicy that installs the key provider on each certificate's xDS Secret.
 */
export class AcceleratedTlsGateway extends Construct {
  /** The Gateway. */
  public readonly gateway: ApiObject;
  /** The GatewayClass (undefined when `createGatewayClass` is false). */
  public readonly gatewayClass?: ApiObject;
  /** The EnvoyProxy (undefined when `createGatewayClass` is false). */
  public readonly envoyProxy?: ApiObject;
  /** The EnvoyPatchPolicy (undefined for `KeyProvider.software()`). */
  public readonly patchPolicy?: ApiObject;
  /** One route per listener, in listener order. */
  public readonly routes: ApiObject[];
  /** ReferenceGrants for cross-namespace Secrets and backends. */
  public readonly referenceGrants: ApiObject[];
  /** Name of the Envoy Service clients address (in the EnvoyProxy's namespace). */
  public readonly envoyServiceName: string;
  /** Namespace of the Envoy Service and EnvoyProxy. */
  public readonly envoyNamespace: string;
  /** The gateway's name. */
  public readonly name: string;
  /** The gateway's namespace. */
  public readonly namespace: string;
  /** The GatewayClass name. */
  public readonly gatewayClassName: string;
  /** The key provider. */
  public readonly provider: KeyProvider;
  /** Whether the gateway is merged with others of its class. */
  public readonly mergeGateways: boolean;
  /** Listener names, in order. */
  public readonly listenerNames: string[];

  private readonly listeners: ResolvedListener[];
  private readonly envoyOptions: EnvoyOptions;
  private readonly sizing: EnvoySizing;
  private readonly hasEnvoyOptions: boolean;

  constructor(scope: Construct, id: string, props: AcceleratedTlsGatewayProps) {
    super(scope, id);
    if (!props || !props.provider || !(props.provider instanceof KeyProvider)) {
      throw ruleError('ATLS-KEY001', this, 'provider', 'a KeyProvider is required (KeyProvider.qat(), .cryptoMb() or .software())');
    }
    const provider = props.provider;
    this.provider = provider;
    this.namespace = checkLabel(this, 'namespace', props.namespace ?? 'default');
    this.name = checkLabel(this, 'name', props.name ?? labelFromId(id));
    this.gatewayClassName = checkSubdomain(this, 'gatewayClassName', props.gatewayClassName ?? `${this.namespace}-${this.name}`);
    this.mergeGateways = props.mergeGateways ?? false;
    const createClass = props.createGatewayClass ?? true;
    const envoy = props.envoy ?? {};
    this.envoyOptions = envoy;
    this.hasEnvoyOptions = props.envoy !== undefined;
    this.envoyNamespace = checkLabel(this, 'envoy.namespace', envoy.namespace ?? 'envoy-gateway-system');
    const defaultService = this.mergeGateways ? `envoy-${this.gatewayClassName}` : `envoy-${this.namespace}-${this.name}`;
    this.envoyServiceName = envoy.serviceName ?? dns1035(defaultService);
    if (envoy.serviceName !== undefined && (envoy.serviceName.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(envoy.serviceName))) {
      throw ruleError('ATLS-GW005', this, 'envoy.serviceName', `'${envoy.serviceName}' is not a DNS-1035 label (at most 63 characters)`);
    }
    this.sizing = this.resolveEnvoy(provider, envoy);
    this.listeners = this.resolveListeners(props.listeners);
    this.listenerNames = this.listeners.map((l) => l.name);

    if (createClass) {
      const proxyName = this.gatewayClassName;
      this.envoyProxy = new EnvoyProxy(this, 'EnvoyProxy', {
        metadata: { name: proxyName, namespace: this.envoyNamespace },
        spec: this.envoyProxySpec(provider, envoy) as any,
      });
      this.gatewayClass = new GatewayClass(this, 'GatewayClass', {
        metadata: { name: this.gatewayClassName },
        spec: {
          controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
          parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: proxyName, namespace: this.envoyNamespace },
        },
      });
    }

    this.gateway = new Gateway(this, 'Gateway', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        gatewayClassName: this.gatewayClassName,
        listeners: this.listeners.map((l) => ({
          name: l.name,
          port: l.port,
          protocol: l.protocol,
          ...(l.hostname ? { hostname: l.hostname } : {}),
          tls: {
            mode: 'Terminate' as any,
            certificateRefs: [{
              group: '',
              kind: 'Secret',
              name: l.certificate.secretName,
              ...(l.secretNamespace !== this.namespace ? { namespace: l.secretNamespace } : {}),
            }],
          },
          allowedRoutes: { namespaces: { from: 'Same' as any } },
        })),
      },
    });

    this.routes = this.listeners.map((l) => this.route(l));
    this.referenceGrants = this.referenceGrantsFor();
    this.createCertificateObjects();

    if (provider.accelerated) {
      this.patchPolicy = this.policy(provider);
      // One guard per app: only our patches get through the API that enabling it opens.
      EnvoyPatchPolicyGuard._ensure(Chart.of(this));
    }
    AppRegistry.of(this).addCheck(() => this.validateAtSynth());
  }

  /**
   * @internal What a benchmark compares between a gateway and its baseline: the Envoy pods'
   * shape and placement, resolved at synth (the CryptoMB affinity depends on the whole app).
   * The QAT resource request is not part of it (a baseline has no provider).
   */
  public _envoyShape(): { [prop: string]: unknown } {
    const z = this.sizing;
    const placed = this.provider.placement !== undefined && this.provider.placement !== NodePlacement.ANY;
    return {
      'envoy.image': z.image,
      'envoy.cpu': z.cpu.amount,
      'envoy.memory': z.memory,
      'envoy.concurrency': z.concurrency,
      'envoy.replicas': z.replicas ?? 1,
      'envoy.tolerations': this.envoyOptions.tolerations ?? [],
      'provider.placement': placed ? this.cryptoMbAffinity() : 'none',
    };
  }

  /** @internal The listener a benchmark targets (the first) and the labels of the Envoy pods. */
  public _benchmarkTarget(): { port: number; hostname?: string; keyType?: string; podLabels: { [key: string]: string } } {
    const l = this.listeners[0];
    const podLabels: { [key: string]: string } = this.mergeGateways
      ? { 'gateway.envoyproxy.io/owning-gatewayclass': this.gatewayClassName }
      : { 'gateway.envoyproxy.io/owning-gateway-name': this.name, 'gateway.envoyproxy.io/owning-gateway-namespace': this.namespace };
    return { port: l.port, hostname: l.hostname, keyType: l.certificate.keyAlgorithm?.type, podLabels };
  }

  /** Validates the provider and Envoy options; returns the Envoy sizing with defaults applied. */
  private resolveEnvoy(provider: KeyProvider, envoy: EnvoyOptions): EnvoySizing {
    const image = envoy.image ?? Versions.ENVOY_CONTRIB_IMAGE;
    if (provider.accelerated) {
      const ms = provider.pollDelay!.toMilliseconds({ integral: false });
      if (!(ms >= 1)) {
        throw ruleError('ATLS-KEY001', this, 'provider.pollDelay', `${ms} ms is below the 1 ms minimum of the ${provider.kind} provider`);
      }
      if (!image.includes('contrib') && !envoy.allowNonContribImage) {
        throw ruleError('ATLS-IMG001', this, 'envoy.image',
          `'${image}' is not a contrib build: Envoy rejects the ${provider.kind} provider config even with fallback (set allowNonContribImage if it is one)`);
      }
    }
    if (provider.kind === KeyProviderKind.QAT) {
      const n = provider.resourcesPerReplica!;
      if (!Number.isInteger(n) || n < 1) throw ruleError('ATLS-GW006', this, 'provider.resourcesPerReplica', `${n} is not a positive integer`);
      checkResourceName(this, 'provider.resourceName', provider.resourceName!);
    }
    for (const [prop, v] of [['envoy.replicas', envoy.replicas], ['envoy.concurrency', envoy.concurrency]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw ruleError('ATLS-GW006', this, prop, `${v} is not a positive integer`);
    }
    const cpu = envoy.cpu ?? Cpu.millis(1000);
    if (cpuCores(cpu) <= 0) throw ruleError('ATLS-GW006', this, 'envoy.cpu', 'must be positive');
    const memory = mebibytes(this, 'ATLS-GW006', 'envoy.memory', envoy.memory ?? Size.mebibytes(4096));
    if (envoy.serviceType !== undefined && !Object.values(EnvoyServiceType).includes(envoy.serviceType)) {
      throw ruleError('ATLS-GW005', this, 'envoy.serviceType', `'${envoy.serviceType}' is not an EnvoyServiceType`);
    }
    if (provider.placement !== undefined && !Object.values(NodePlacement).includes(provider.placement)) {
      throw ruleError('ATLS-GW005', this, 'provider.placement', `'${provider.placement}' is not a NodePlacement`);
    }
    // Envoy's default, all host cores, oversubscribes a CPU-limited pod: whole CPUs requested, at least 1.
    return { image, cpu, memory, concurrency: envoy.concurrency ?? Math.max(1, Math.floor(cpuCores(cpu))), replicas: envoy.replicas };
  }

  private resolveListeners(listeners: GatewayListener[]): ResolvedListener[] {
    if (!Array.isArray(listeners) || listeners.length === 0) {
      throw ruleError('ATLS-GW001', this, 'listeners', 'at least one listener is required');
    }
    const ports = new Map<number, number>();
    for (const l of listeners) ports.set(l?.port ?? 443, (ports.get(l?.port ?? 443) ?? 0) + 1);
    const names = new Set<string>();
    const pairs = new Set<string>();
    return listeners.map((l, i) => {
      const prop = `listeners[${i}]`;
      if (!l || !(l.certificate instanceof TlsCertificate)) throw ruleError('ATLS-GW001', this, `${prop}.certificate`, 'a TlsCertificate is required');
      if (!l.backend) throw ruleError('ATLS-GW001', this, `${prop}.backend`, 'a backend is required');
      const port = checkPort(this, `${prop}.port`, l.port ?? 443);
      if (l.name === undefined && (ports.get(port) ?? 0) > 1) {
        throw ruleError('ATLS-GW002', this, `${prop}.name`, `listeners sharing port ${port} need explicit names`);
      }
      const name = checkSubdomain(this, `${prop}.name`, l.name ?? `tls-${port}`);
      checkSubdomain(this, `${prop}.name`, `${this.name}-${name}`); // the route's name
      if (names.has(name)) throw ruleError('ATLS-GW002', this, `${prop}.name`, `'${name}' is used by another listener`);
      names.add(name);
      const hostname = l.hostname === undefined ? undefined : checkHostname(this, `${prop}.hostname`, l.hostname);
      const pair = `${port}/${hostname ?? '*'}`;
      if (pairs.has(pair)) throw ruleError('ATLS-GW003', this, `${prop}.hostname`, `port ${port} and hostname '${hostname ?? '(any)'}' are used by another listener`);
      pairs.add(pair);
      const protocol = l.protocol ?? ListenerProtocol.TLS;
      if (!Object.values(ListenerProtocol).includes(protocol)) throw ruleError('ATLS-GW005', this, `${prop}.protocol`, `'${protocol}' is not a ListenerProtocol`);
      checkSubdomain(this, `${prop}.certificate.secretName`, l.certificate.secretName);
      const secretNamespace = checkLabel(this, `${prop}.certificate.namespace`, l.certificate.secretNamespace ?? this.namespace);
      checkLabel(this, `${prop}.backend.serviceName`, l.backend.serviceName);
      checkPort(this, `${prop}.backend.port`, l.backend.port);
      const backendNamespace = checkLabel(this, `${prop}.backend.namespace`, l.backend.namespace ?? this.namespace);
      return { name, port, protocol, hostname, certificate: l.certificate, secretNamespace, backend: l.backend, backendNamespace, prop };
    });
  }

  private envoyProxySpec(provider: KeyProvider, envoy: EnvoyOptions): any {
    const { image, cpu, memory, concurrency, replicas } = this.sizing;
    const resources: Record<string, string> = { cpu: cpu.amount, memory };
    if (provider.kind === KeyProviderKind.QAT) resources[provider.resourceName!] = String(provider.resourcesPerReplica);
    const pod: any = { nodeSelector: { 'kubernetes.io/arch': 'amd64' } };
    // CryptoMB, or a software baseline placed like one.
    if (provider.placement !== undefined && provider.placement !== NodePlacement.ANY) {
      // Resolved at synth: the labels depend on what else the app contains.
      pod.affinity = Lazy.any({ produce: () => this.cryptoMbAffinity() });
    }
    if (envoy.tolerations?.length) pod.tolerations = envoy.tolerations;
    if (envoy.imagePullSecrets?.length) pod.imagePullSecrets = envoy.imagePullSecrets.map((name) => ({ name }));
    const ha = (replicas ?? 1) >= 2;
    if (ha) {
      // Envoy Gateway labels its Envoy pods with the owning gateway (or class, when merged).
      const owner = this.mergeGateways
        ? { 'gateway.envoyproxy.io/owning-gatewayclass': this.gatewayClassName }
        : { 'gateway.envoyproxy.io/owning-gateway-name': this.name, 'gateway.envoyproxy.io/owning-gateway-namespace': this.namespace };
      pod.topologySpreadConstraints = [{
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', ...owner } },
      }];
    }
    return {
      concurrency,
      ...(this.mergeGateways ? { mergeGateways: true } : {}),
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          ...(ha ? { envoyPdb: { maxUnavailable: PdbMaxUnavailable.fromNumber(1) } } : {}),
          envoyDeployment: {
            ...(replicas !== undefined ? { replicas } : {}),
            // A surge pod would need a free QAT VF; when all are taken the rollout would never
            // finish. Replacing one pod at a time frees its VF first.
            ...(provider.kind === KeyProviderKind.QAT
              ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: MaxSurge.fromNumber(0), maxUnavailable: MaxUnavailable.fromNumber(1) } } }
              : {}),
            container: {
              image,
              resources: {
                requests: Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, Request.fromString(v)])),
                limits: Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, Limit.fromString(v)])),
              },
            },
            pod,
          },
          envoyService: {
            name: this.envoyServiceName,
            type: envoy.serviceType ?? EnvoyServiceType.NODE_PORT,
            ...(envoy.serviceAnnotations ? { annotations: envoy.serviceAnnotations } : {}),
          },
        },
      },
    };
  }

  private cryptoMbAffinity(): any {
    const reg = AppRegistry.of(this);
    const expressions = reg.cryptoMbLabel
      ? [{ key: reg.cryptoMbLabel, operator: 'In', values: ['true'] }]
      : TASK_CRYPTOMB_LABELS.map((key) => ({ key, operator: 'Exists' }));
    if (this.provider.placement === NodePlacement.PREFERRED) {
      return { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: expressions } }] } };
    }
    return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } };
  }

  private route(l: ResolvedListener): ApiObject {
    const metadata = { name: `${this.name}-${l.name}`, namespace: this.namespace };
    const parentRefs = [{ group: GW_GROUP, kind: 'Gateway', name: this.name, sectionName: l.name }];
    const backendRefs = [{
      group: '',
      kind: 'Service',
      name: l.backend.serviceName,
      port: l.backend.port,
      weight: 1,
      ...(l.backendNamespace !== this.namespace ? { namespace: l.backendNamespace } : {}),
    }];
    if (l.protocol === ListenerProtocol.HTTPS) {
      return new HttpRoute(this, `Route-${l.name}`, {
        metadata,
        spec: { parentRefs, ...(l.hostname ? { hostnames: [l.hostname] } : {}), rules: [{ backendRefs }] },
      });
    }
    return new TcpRoute(this, `Route-${l.name}`, { metadata, spec: { parentRefs, rules: [{ backendRefs }] } });
  }

  private referenceGrantsFor(): ApiObject[] {
    const byNamespace = new Map<string, { from: Set<string>; to: Map<string, any> }>();
    const add = (ns: string, fromKind: string, to: any) => {
      if (ns === this.namespace) return;
      const entry = byNamespace.get(ns) ?? { from: new Set<string>(), to: new Map<string, any>() };
      entry.from.add(fromKind);
      entry.to.set(`${to.kind}/${to.name}`, to);
      byNamespace.set(ns, entry);
    };
    for (const l of this.listeners) {
      add(l.secretNamespace, 'Gateway', { group: '', kind: 'Secret', name: l.certificate.secretName });
      add(l.backendNamespace, l.protocol === ListenerProtocol.HTTPS ? 'HTTPRoute' : 'TCPRoute', { group: '', kind: 'Service', name: l.backend.serviceName });
    }
    return [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([ns, e]) => new ReferenceGrant(this, `ReferenceGrant-${ns}`, {
      metadata: { name: `${this.namespace}-${this.name}`, namespace: ns },
      spec: {
        from: [...e.from].sort().map((kind) => ({ group: GW_GROUP, kind, namespace: this.namespace })),
        to: [...e.to.keys()].sort().map((k) => e.to.get(k)),
      },
    }));
  }

  private createCertificateObjects(): void {
    const done = new Set<string>();
    for (const l of this.listeners) {
      const c = l.certificate;
      const key = `${l.secretNamespace}/${c.secretName}`;
      if (done.has(key)) continue;
      done.add(key);
      if (c._source === CertificateSource.PEM) {
        new k8s.KubeSecret(this, `Secret-${c.secretName}`, {
          metadata: { name: c.secretName, namespace: l.secretNamespace },
          type: 'kubernetes.io/tls',
          data: {
            'tls.crt': Buffer.from(c._options.certificatePem).toString('base64'),
            'tls.key': Buffer.from(c._options.privateKeyPem).toString('base64'),
          },
        });
      } else if (c._source === CertificateSource.CERT_MANAGER) {
        const o = c._options;
        new Certificate(this, `Certificate-${c.secretName}`, {
          metadata: { name: c.secretName, namespace: l.secretNamespace },
          spec: {
            secretName: c.secretName,
            dnsNames: o.dnsNames,
            issuerRef: { name: o.issuerName, kind: o.issuerKind ?? 'Issuer', group: 'cert-manager.io' },
            privateKey: { algorithm: o.algorithm, ...(o.size !== undefined ? { size: o.size } : {}), rotationPolicy: 'Always' as any },
          },
        });
      }
    }
  }

  private policy(provider: KeyProvider): ApiObject {
    // eslint-disable-next-line @stylistic/max-len
    const secretType = EnvoyPatchPolicySpecJsonPatchesType.TYPE_PERIOD_GOOGLEAPIS_PERIOD_COM_FORWARD_SLASH_ENVOY_PERIOD_EXTENSIONS_PERIOD_TRANSPORT_UNDERSCORE_SOCKETS_PERIOD_TLS_PERIOD_V3_PERIOD_SECRET;
    const secrets = [...new Set(this.listeners.map((l) => `${l.secretNamespace}/${l.certificate.secretName}`))];
    return new EnvoyPatchPolicy(this, 'KeyProviderPolicy', {
      metadata: { name: `${this.name}-key-provider`, namespace: this.namespace },
      spec: {
        targetRef: this.mergeGateways
          ? { group: GW_GROUP, kind: 'GatewayClass', name: this.gatewayClassName }
          : { group: GW_GROUP, kind: 'Gateway', name: this.name },
        type: EnvoyPatchPolicySpecType.JSON_PATCH,
        jsonPatches: secrets.flatMap((name) => [
          {
            type: secretType,
            name,
            operation: {
              op: EnvoyPatchPolicySpecJsonPatchesOperationOp.ADD,
              path: '/tls_certificate/private_key_provider',
              value: {
                provider_name: provider.kind,
                typed_config: {
                  '@type': PROVIDER_TYPES[provider.kind],
                  // Placeholder, overwritten by the copy below: the policy carries no key material.
                  'private_key': { inline_string: 'placeholder' },
                  'poll_delay': protoDuration(provider.pollDelay!),
                },
                fallback: provider.fallback,
              },
            },
          },
          {
            type: secretType,
            name,
            operation: {
              op: EnvoyPatchPolicySpecJsonPatchesOperationOp.COPY,
              from: '/tls_certificate/private_key',
              path: '/tls_certificate/private_key_provider/typed_config/private_key',
            },
          },
        ]),
      },
    });
  }

  private validateAtSynth(): string[] {
    const errors: (string | undefined)[] = [];
    const reg = AppRegistry.of(this);
    const provider = this.provider;
    if (provider.placement === NodePlacement.REQUIRED
      && reg.nfdMode === NfdMode.NONE && !reg.cryptoMbLabel) {
      errors.push(ruleViolation('ATLS-AFF001', this, 'provider.placement',
        'REQUIRED placement needs node labels: add CryptoMbAffinity (or NodeFeatureDiscovery.useExisting) to the app, or use NodePlacement.PREFERRED/ANY'));
    }
    if (provider.kind === KeyProviderKind.QAT && reg.qatResources && !reg.qatResources.includes(provider.resourceName!)) {
      errors.push(ruleViolation('ATLS-QAT001', this, 'provider.resourceName',
        `the app's QAT device plugin advertises ${reg.qatResources.join(', ')}, not ${provider.resourceName}`));
    }
    for (const l of this.listeners) {
      if (l.certificate._pem) errors.push(...this.checkPem(l));
      if (provider.accelerated) errors.push(this.checkFit(l));
    }
    errors.push(...this.duplicateSecrets());
    errors.push(...this.checkSharedClass());
    return errors.filter((e): e is string => e !== undefined);
  }

  private checkPem(l: ResolvedListener): (string | undefined)[] {
    const cert = l.certificate._pem!;
    const out: (string | undefined)[] = [];
    if (!cert.keyMatches) {
      out.push(ruleViolation('ATLS-CERT001', this, `${l.prop}.certificate`, 'the private key does not match the certificate'));
    }
    const now = Date.now();
    if (Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now) {
      out.push(ruleViolation('ATLS-CERT002', this, `${l.prop}.certificate`, `the certificate is valid from ${cert.validFrom} to ${cert.validTo}, not now`));
    }
    return out;
  }

  private checkFit(l: ResolvedListener): string | undefined {
    const alg = l.certificate.keyAlgorithm;
    const prop = `${l.prop}.certificate`;
    if (!alg) {
      if (!ruleViolation('ATLS-KEY004', this, prop, '')) return undefined;
      warnOnce(this, `[ATLS-KEY004] ${this.node.path}: ${prop}: key algorithm of Secret '${l.certificate.secretName}' is undeclared; ` +
        `declare it (TlsCertificate.fromSecretName(name, { keyAlgorithm })) so its fit with the ${this.provider.kind} provider is checked`);
      return undefined;
    }
    if (this.provider.kind === KeyProviderKind.QAT && alg.type !== KeyType.RSA) {
      return ruleViolation('ATLS-KEY002', this, prop, `QAT accelerates RSA keys only; ${alg.describe()} would silently fall back to software`);
    }
    if (this.provider.kind === KeyProviderKind.CRYPTOMB) {
      const rsaOk = alg.type === KeyType.RSA && CRYPTOMB_RSA_BITS.includes(alg.bits!) && alg.publicExponent === 65537;
      const ecOk = alg.type === KeyType.ECDSA && alg.curve === 'P-256';
      if (!rsaOk && !ecOk) {
        return ruleViolation('ATLS-KEY003', this, prop, `CryptoMB accepts RSA 1024/2048/3072/4096 (e=65537) and ECDSA P-256, not ${alg.describe()}`);
      }
    }
    return undefined;
  }

  /** The same Secret behind two listeners of this gateway, or of two gateways merged into one class. */
  private duplicateSecrets(): (string | undefined)[] {
    const peers = this.mergeGateways
      ? this.node.root.node.findAll().filter((c): c is AcceleratedTlsGateway =>
        c instanceof AcceleratedTlsGateway && c.mergeGateways && c.gatewayClassName === this.gatewayClassName)
      : [this];
    const seen = new Map<string, string>();
    const out: (string | undefined)[] = [];
    for (const gw of peers) {
      for (const l of gw.listeners) {
        const key = `${l.secretNamespace}/${l.certificate.secretName}`;
        const where = `${gw.node.path} ${l.name}`;
        const first = seen.get(key);
        if (first && gw === this) {
          out.push(ruleViolation('ATLS-SEC001', this, `${l.prop}.certificate`,
            `Secret '${key}' also backs ${first}: Envoy Gateway builds duplicate xDS Secrets and the key provider patch can be lost; use one Secret per listener`));
        }
        if (!first) seen.set(key, where);
      }
    }
    return out;
  }

  /**
   * Gateways share a GatewayClass (its EnvoyProxy, and so one Envoy Service name) only when
   * merged: exactly one creates it, all set mergeGateways, use one provider kind and leave the
   * Envoy settings to the creator.
   */
  private checkSharedClass(): (string | undefined)[] {
    const owners = this.node.root.node.findAll().filter((c): c is AcceleratedTlsGateway =>
      c instanceof AcceleratedTlsGateway && c.gatewayClassName === this.gatewayClassName && c.gatewayClass !== undefined);
    const violation = (prop: string, detail: string) => ruleViolation('ATLS-MRG001', this, prop, detail);
    if (owners.length > 1 || (owners.length === 0 && this.mergeGateways)) {
      return [violation('createGatewayClass', `GatewayClass '${this.gatewayClassName}' is created by ${owners.length} gateways of the app; exactly one must create it`)];
    }
    const owner = owners[0];
    if (owner === undefined || owner === this) return [];
    if (!owner.mergeGateways || !this.mergeGateways) {
      return [violation('mergeGateways', `GatewayClass '${this.gatewayClassName}' is created by ${owner.node.path}; gateways share a class (its EnvoyProxy and Envoy Service) only when both set mergeGateways`)];
    }
    const out: (string | undefined)[] = [];
    if (owner.provider.kind !== this.provider.kind) {
      out.push(violation('provider', `merged gateways run on one Envoy fleet: ${owner.node.path} uses ${owner.provider.kind}, this one ${this.provider.kind}`));
    }
    if (this.hasEnvoyOptions) {
      out.push(violation('envoy', `the Envoy settings of merged gateways come from ${owner.node.path}, which creates the class; leave them unset here`));
    } else if (owner.envoyServiceName !== this.envoyServiceName) {
      out.push(violation('envoy.serviceName', `merged gateways share one Envoy Service: '${owner.envoyServiceName}', not '${this.envoyServiceName}'`));
    }
    return out;
  }
}


const warned = new WeakSet<IConstruct>();
function warnOnce(scope: IConstruct, message: string): void {
  if (warned.has(scope)) return;
  warned.add(scope);
  console.warn(message);
}
