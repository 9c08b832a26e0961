import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayChecks } from './checks';
import { GatewayDescription } from './description';
import { envoyProxySpec, EnvoySizing, RECOMMENDED_ENVOY_MEMORY_MIB, resolveEnvoy } from './envoy-proxy-spec';
import { addKeyProviderPolicy } from './key-provider-policy';
import { ResolvedListener, resolveListeners, secretKey } from './listeners';
import { AcceleratedTlsGatewayProps, EnvoyOptions } from './props';
import { addCertificateObjects, addGateway, addReferenceGrants, addRoute } from './routes';
import { AppRegistry } from '../core/app-registry';
import { clusterScoped } from '../core/cluster-scoped';
import { propName } from '../core/messages';
import { dns1035, labelFromId } from '../core/names';
import { Finding, finding, ruleError } from '../core/rules';
import { checkDns1035Label, checkLabel, checkSubdomain } from '../core/validation';
import { EnvoyPatchPolicyGuard } from '../envoy-gateway/patch-policy-guard';
import { EnvoyProxy } from '../imports/gateway.envoyproxy.io';
import { GatewayClass } from '../imports/gateway.networking.k8s.io';
import { KeyProvider } from '../key-providers/key-provider';
import { qatNodeSelector } from '../key-providers/placement';


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
  /** The labels Envoy Gateway puts on this gateway's Envoy pods (the class's, when merged). */
  private readonly podLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: AcceleratedTlsGatewayProps) {
    super(scope, id);
    if (!props || !props.provider || !(props.provider instanceof KeyProvider)) {
      throw ruleError('ATLS-KEY001', this, 'provider', 'a KeyProvider is required (KeyProvider qat, cryptoMb or software)');
    }
    const provider = props.provider;
    this.provider = provider;
    this.namespace = checkLabel(this, 'ATLS-NAME001', 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'default');
    this.name = checkLabel(this, 'ATLS-NAME001', 'name', props.name ?? labelFromId(id));
    this.gatewayClassName = checkSubdomain(this, 'ATLS-NAME001', 'gatewayClassName', props.gatewayClassName ?? `${this.namespace}-${this.name}`);
    this.mergeGateways = props.mergeGateways ?? false;
    const createClass = props.createGatewayClass ?? true;
    const envoy = props.envoy ?? {};
    this.envoyOptions = envoy;
    this.envoyNamespace = checkLabel(this, 'ATLS-NAME001', 'envoy.namespace', envoy.namespace ?? 'envoy-gateway-system');
    const defaultService = this.mergeGateways ? `envoy-${this.gatewayClassName}` : `envoy-${this.namespace}-${this.name}`;
    this.envoyServiceName = envoy.serviceName === undefined ? dns1035(defaultService) : checkDns1035Label(this, 'ATLS-NAME001', 'envoy.serviceName', envoy.serviceName);
    this.sizing = resolveEnvoy(this, provider, envoy);
    this.listeners = resolveListeners(this, this.name, this.namespace, props.listeners);
    this.listenerNames = this.listeners.map((l) => l.name);
    this.podLabels = this.mergeGateways
      ? { 'gateway.envoyproxy.io/owning-gatewayclass': this.gatewayClassName }
      : { 'gateway.envoyproxy.io/owning-gateway-name': this.name, 'gateway.envoyproxy.io/owning-gateway-namespace': this.namespace };

    if (createClass) {
      const proxyName = this.gatewayClassName;
      this.envoyProxy = new EnvoyProxy(this, 'EnvoyProxy', {
        metadata: { name: proxyName, namespace: this.envoyNamespace },
        spec: envoyProxySpec({
          scope: this,
          provider,
          envoy,
          sizing: this.sizing,
          serviceName: this.envoyServiceName,
          mergeGateways: this.mergeGateways,
          podLabels: this.podLabels,
        }),
      });
      this.gatewayClass = clusterScoped(new GatewayClass(this, 'GatewayClass', {
        metadata: { name: this.gatewayClassName },
        spec: {
          controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
          parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: proxyName, namespace: this.envoyNamespace },
        },
      }));
    }

    this.gateway = addGateway(this, this, this.listeners);
    this.routes = this.listeners.map((l) => addRoute(this, this, l));
    this.referenceGrants = addReferenceGrants(this, this, this.listeners);
    addCertificateObjects(this, this.listeners);

    const patch = provider._behaviour.patchValue();
    if (patch) {
      this.patchPolicy = addKeyProviderPolicy(this, this, this.listeners, patch);
      // One guard per app: only our patches get through the API that enabling it opens.
      EnvoyPatchPolicyGuard._ensure(Chart.of(this));
    }
    GatewayChecks.of(this).add({
      scope: this,
      gatewayKey: `${this.namespace}/${this.name}`,
      gatewayClassName: this.gatewayClassName,
      mergeGateways: this.mergeGateways,
      createsClass: createClass,
      providerKind: provider.kind,
      hasEnvoyOptions: props.envoy !== undefined,
      envoyServiceName: this.envoyServiceName,
      listeners: this.listeners,
    });
    AppRegistry.of(this).addCheck(() => this.findings());
  }

  /**
   * @internal This gateway as resolved at synth (its placement depends on the whole app): what
   * other constructs read of it, such as the benchmark, which decides itself what to compare.
   */
  public _describe(): GatewayDescription {
    const z = this.sizing;
    const reg = AppRegistry.of(this);
    const behaviour = this.provider._behaviour;
    const affinity = behaviour.affinity(reg);
    return {
      listeners: this.listeners.map((l) => ({
        name: l.name,
        port: l.port,
        hostname: l.hostname,
        keyType: l.certificate.keyAlgorithm?.type,
        secretName: l.certificate.secretName,
        secretNamespace: l.secretNamespace,
        secret: secretKey(l),
      })),
      podLabels: { ...this.podLabels },
      envoy: {
        image: z.image,
        cpu: z.cpu.amount,
        memory: z.memory,
        concurrency: z.concurrency,
        replicas: z.replicas ?? 1,
        tolerations: this.envoyOptions.tolerations ?? [],
      },
      placement: affinity ? { affinity } : behaviour.onQatNodes ? { qatNodes: qatNodeSelector(reg) } : {},
    };
  }

  /** This gateway's synth-time rules: what its provider needs of the app, its certificates and their fit. */
  private findings(): (Finding | undefined)[] {
    const reg = AppRegistry.of(this);
    const behaviour = this.provider._behaviour;
    const out = behaviour.appFindings(reg).map((f) => finding(f.ruleId, this, `provider.${f.prop}`, f.detail));
    if (parseInt(this.sizing.memory, 10) < RECOMMENDED_ENVOY_MEMORY_MIB) {
      out.push(finding('ATLS-GW008', this, 'envoy.memory',
        `${this.sizing.memory} is below ${RECOMMENDED_ENVOY_MEMORY_MIB}Mi, Envoy Gateway's default request: connections, TLS buffers and xDS updates `
        + `need more than the 60 MiB Envoy takes at start, and under load it is OOM-killed; give it at least Size.mebibytes(${RECOMMENDED_ENVOY_MEMORY_MIB})`));
    }
    for (const l of this.listeners) {
      const prop = `${l.prop}.certificate`;
      out.push(...l.certificate._source.findings(l.hostname).map((f) => finding(f.ruleId, this, prop, f.detail)));
      if (!this.provider.accelerated) continue;
      const alg = l.certificate.keyAlgorithm;
      if (!alg) {
        out.push(finding('ATLS-KEY004', this, prop,
          `key algorithm of Secret '${l.certificate.secretName}' is undeclared; declare it (the ${propName('keyAlgorithm')} option) so its fit with the ${this.provider.kind} provider is checked`));
        continue;
      }
      const misfit = behaviour.keyFit(alg);
      if (misfit) out.push(finding(misfit.ruleId, this, prop, misfit.detail));
    }
    return out;
  }
}
