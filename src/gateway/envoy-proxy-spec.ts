// The Envoy data plane of a gateway: its sizing resolved from EnvoyOptions, and the EnvoyProxy
// spec built from it and the key provider.
import { Lazy, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { EnvoyOptions, EnvoyServiceType } from './props';
import { AppRegistry } from '../core/app-registry';
import { propName } from '../core/messages';
import { cpuCores } from '../core/names';
import { ruleError } from '../core/rules';
import { checkCpu, checkEnum, checkImage, checkPositiveInt, mebibytes } from '../core/validation';
import { Versions } from '../core/versions';
import {
  EnvoyProxySpec, EnvoyProxySpecProviderKubernetesEnvoyDeploymentContainerResourcesLimits as Limit,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentContainerResourcesRequests as Request,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentPod as Pod,
  EnvoyProxySpecProviderKubernetesEnvoyDeploymentPodAffinity as PodAffinity,
  EnvoyProxySpecProviderKubernetesEnvoyPdbMaxUnavailable as PdbMaxUnavailable,
  EnvoyProxySpecProviderKubernetesEnvoyServiceType as ServiceType, EnvoyProxySpecProviderType,
} from '../imports/gateway.envoyproxy.io';
import { KeyProvider } from '../key-providers/key-provider';

const SERVICE_TYPES: Record<EnvoyServiceType, ServiceType> = {
  [EnvoyServiceType.NODE_PORT]: ServiceType.NODE_PORT,
  [EnvoyServiceType.LOAD_BALANCER]: ServiceType.LOAD_BALANCER,
  [EnvoyServiceType.CLUSTER_IP]: ServiceType.CLUSTER_IP,
};

/**
 * @internal Envoy memory below which it cannot start (ATLS-GW007): Envoy v1.39 with a one-listener
 * static config and one worker thread is 60 MiB resident right after start.
 */
export const MIN_ENVOY_MEMORY_MIB = 64;
/**
 * @internal Envoy memory below which a warning is printed (ATLS-GW008): Envoy Gateway's own
 * default request, which leaves room for connections, TLS buffers and xDS updates.
 */
export const RECOMMENDED_ENVOY_MEMORY_MIB = 512;

/** @internal The Envoy pods' image and size, with defaults applied (resolved once, checked). */
export interface EnvoySizing {
  readonly image: string;
  readonly cpu: Cpu;
  readonly memory: string;
  readonly concurrency: number;
  readonly replicas?: number;
}

/** @internal Checks the provider and the Envoy options; the sizing with defaults applied. */
export function resolveEnvoy(scope: IConstruct, provider: KeyProvider, envoy: EnvoyOptions): EnvoySizing {
  const image = checkImage(scope, 'envoy.image', envoy.image) ?? Versions.ENVOY_CONTRIB_IMAGE;
  provider._behaviour.validate(scope, 'provider');
  if (provider.accelerated && !image.includes('contrib') && !envoy.allowNonContribImage) {
    throw ruleError('ATLS-IMG001', scope, 'envoy.image',
      `'${image}' is not a contrib build: Envoy rejects the ${provider.kind} provider config even with fallback (set ${propName('allowNonContribImage')} if it is one)`);
  }
  if (envoy.replicas !== undefined) checkPositiveInt(scope, 'ATLS-GW006', 'envoy.replicas', envoy.replicas);
  if (envoy.concurrency !== undefined) checkPositiveInt(scope, 'ATLS-GW006', 'envoy.concurrency', envoy.concurrency);
  const cpu = checkCpu(scope, 'ATLS-GW006', 'envoy.cpu', envoy.cpu ?? Cpu.millis(1000));
  const memory = mebibytes(scope, 'ATLS-GW006', 'envoy.memory', envoy.memory ?? Size.mebibytes(4096));
  if (parseInt(memory, 10) < MIN_ENVOY_MEMORY_MIB) {
    throw ruleError('ATLS-GW007', scope, 'envoy.memory',
      `${memory} is below the ${MIN_ENVOY_MEMORY_MIB}Mi Envoy needs to start (it is about 60 MiB resident before serving anything): `
      + `the pod would be OOM-killed in a loop; give it at least ${RECOMMENDED_ENVOY_MEMORY_MIB}Mi (Size.mebibytes(${RECOMMENDED_ENVOY_MEMORY_MIB}))`);
  }
  if (envoy.serviceType !== undefined) checkEnum(scope, 'envoy.serviceType', envoy.serviceType, EnvoyServiceType);
  // Envoy's default, all host cores, oversubscribes a CPU-limited pod: whole CPUs requested, at least 1.
  return { image, cpu, memory, concurrency: envoy.concurrency ?? Math.max(1, Math.floor(cpuCores(cpu))), replicas: envoy.replicas };
}

/** @internal What the EnvoyProxy spec is built from. */
export interface EnvoyProxyInputs {
  readonly scope: IConstruct;
  readonly provider: KeyProvider;
  readonly envoy: EnvoyOptions;
  readonly sizing: EnvoySizing;
  readonly serviceName: string;
  readonly mergeGateways: boolean;
  /** The labels Envoy Gateway puts on the Envoy pods of this gateway. */
  readonly podLabels: { [key: string]: string };
}

/** @internal The EnvoyProxy spec: pinned image, resources, placement, Service. */
export function envoyProxySpec(p: EnvoyProxyInputs): EnvoyProxySpec {
  const { image, cpu, memory, concurrency, replicas } = p.sizing;
  const behaviour = p.provider._behaviour;
  const resources: Record<string, string> = { cpu: cpu.amount, memory, ...behaviour.podResources() };
  const strategy = behaviour.rolloutStrategy();
  const ha = (replicas ?? 1) >= 2;
  const reg = AppRegistry.of(p.scope);
  // Whether there is a node selector or affinity depends on the provider only; their labels on
  // the whole app, so they are resolved at synth (a token in place of the typed value until then).
  const placed = behaviour.nodeSelector(reg) !== undefined;
  const affine = behaviour.affinity(reg) !== undefined;
  const logging = behaviour.envoyLogging();
  const pod: Pod = {
    // A software baseline goes where the QAT gateway's pods land (resolved at synth, like the plugin).
    nodeSelector: !placed ? { 'kubernetes.io/arch': 'amd64' }
      : Lazy.any({ produce: () => ({ 'kubernetes.io/arch': 'amd64', ...behaviour.nodeSelector(reg) }) }) as unknown as { [key: string]: string },
    ...(affine ? { affinity: Lazy.any({ produce: () => behaviour.affinity(reg) }) as PodAffinity } : {}),
    ...(p.envoy.tolerations?.length ? { tolerations: p.envoy.tolerations } : {}),
    ...(p.envoy.imagePullSecrets?.length ? { imagePullSecrets: p.envoy.imagePullSecrets.map((name) => ({ name })) } : {}),
    ...(ha ? {
      topologySpreadConstraints: [{
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', ...p.podLabels } },
      }],
    } : {}),
  };
  return {
    concurrency,
    ...(p.mergeGateways ? { mergeGateways: true } : {}),
    // A provider that says whether it started only at a level Envoy Gateway hides (a benchmark reads it).
    ...(logging ? { logging } : {}),
    provider: {
      type: EnvoyProxySpecProviderType.KUBERNETES,
      kubernetes: {
        ...(ha ? { envoyPdb: { maxUnavailable: PdbMaxUnavailable.fromNumber(1) } } : {}),
        envoyDeployment: {
          ...(replicas !== undefined ? { replicas } : {}),
          ...(strategy ? { strategy } : {}),
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
          name: p.serviceName,
          type: SERVICE_TYPES[p.envoy.serviceType ?? EnvoyServiceType.NODE_PORT],
          ...(p.envoy.serviceAnnotations ? { annotations: p.envoy.serviceAnnotations } : {}),
        },
      },
    },
  };
}
