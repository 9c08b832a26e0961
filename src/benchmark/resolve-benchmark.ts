import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { HandshakeBenchmarkProps } from './benchmark-props';
import { cpuCores } from '../core/names';
import { ruleError } from '../core/rules';
import { checkCpu, checkHostname, checkImage, checkInt, checkLabel, checkPositiveInt, mebibytes } from '../core/validation';
import { AcceleratedTlsGateway } from '../gateway/accelerated-tls-gateway';
import { ListenerDescription } from '../gateway/description';

/** @internal One target as the script's config.json lists it. */
export interface BenchmarkTargetConfig {
  readonly name: string;
  readonly baseline: string | null;
  readonly [key: string]: unknown;
}

/** @internal The script's config.json, before the baselines are matched (at synth). */
export interface BenchmarkConfig {
  readonly targets: BenchmarkTargetConfig[];
  readonly [key: string]: unknown;
}

/** @internal HandshakeBenchmark's props, checked, with their defaults applied. */
export interface ResolvedBenchmark {
  readonly targets: AcceleratedTlsGateway[];
  readonly namespace: string;
  readonly name: string;
  /** Load duration per target. */
  readonly seconds: number;
  readonly clientPods: number;
  readonly cpu: Cpu;
  /** Memory per client pod, in Kubernetes' notation. */
  readonly memory: string;
  readonly createNamespace: boolean;
  readonly nodeSelector?: { [key: string]: string };
  readonly tolerations?: k8s.Toleration[];
  readonly fortioImage?: string;
  readonly scriptImage?: string;
  readonly toolsImage?: string;
  readonly config: BenchmarkConfig;
}

/** @internal Checks the props (throwing on the first bad one) and computes the script's config. */
export function resolveBenchmark(scope: IConstruct, props: HandshakeBenchmarkProps): ResolvedBenchmark {
  const targets = props?.targets;
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => t instanceof AcceleratedTlsGateway)) {
    throw ruleError('ATLS-BENCH002', scope, 'targets', 'at least one AcceleratedTlsGateway is required');
  }
  if (new Set(targets).size !== targets.length) throw ruleError('ATLS-BENCH002', scope, 'targets', 'a gateway is listed twice');
  const namespace = checkLabel(scope, 'ATLS-NAME001', 'namespace', props.namespace ?? Chart.of(scope).namespace ?? 'default');
  const name = checkLabel(scope, 'ATLS-NAME001', 'name', props.name ?? 'handshake-benchmark');
  const concurrency = checkPositiveInt(scope, 'ATLS-BENCH002', 'concurrency', props.concurrency ?? 64);
  const qps = props.qps ?? 0;
  if (typeof qps !== 'number' || !Number.isFinite(qps) || qps < 0) throw ruleError('ATLS-BENCH002', scope, 'qps', `${qps} is not a number ≥ 0`);
  const seconds = (props.duration ?? Duration.seconds(30)).toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) throw ruleError('ATLS-BENCH002', scope, 'duration', `${seconds} s is not a whole number of seconds ≥ 1`);
  const first = targetListener(targets[0]);
  const hostname = props.hostname ?? first.hostname;
  if (hostname === undefined || hostname.startsWith('*')) {
    throw ruleError('ATLS-BENCH002', scope, 'hostname', `needed: the first target's first listener has ${hostname ? `the wildcard '${hostname}'` : 'no hostname'}`);
  }
  checkHostname(scope, 'ATLS-NAME001', 'hostname', hostname);
  // Every target is loaded on its first listener with this SNI: that listener must accept it.
  targets.forEach((gw, i) => {
    const h = targetListener(gw).hostname;
    const accepts = h === undefined || h === hostname || (h.startsWith('*.') && hostname.endsWith(h.slice(1)) && !hostname.slice(0, -h.length + 1).includes('.'));
    if (!accepts) throw ruleError('ATLS-BENCH002', scope, 'hostname', `'${hostname}' is not accepted by the first listener of targets[${i}] (hostname '${h}')`);
  });
  const cpu = checkCpu(scope, 'ATLS-BENCH002', 'cpu', props.cpu ?? Cpu.units(2));
  const memory = props.memory ?? Size.mebibytes(512);
  const memoryMi = mebibytes(scope, 'ATLS-BENCH002', 'memory', memory);
  const clientPods = checkInt(scope, 'ATLS-BENCH002', 'clientPods', props.clientPods ?? 1, 1, 100);
  const fortioImage = checkImage(scope, 'fortioImage', props.fortioImage);
  const scriptImage = checkImage(scope, 'scriptImage', props.scriptImage);
  const toolsImage = checkImage(scope, 'toolsImage', props.toolsImage);

  const config = {
    hostname,
    concurrency,
    qps,
    duration: `${seconds}s`,
    clients: { pods: clientPods, cpu: cpuCores(cpu), namespace, job: name },
    targets: targets.map((gw) => {
      const t = targetListener(gw);
      return {
        // The gateway name, qualified by its namespace only when two targets share it.
        name: targets.filter((o) => o.name === gw.name).length > 1 ? `${gw.namespace}-${gw.name}` : gw.name,
        provider: gw.provider.kind,
        keyType: t.keyType ?? null,
        // The xDS name of the loaded listener's Secret: a rejected update of it explains a target that serves nothing.
        secret: t.secret,
        host: `${gw.envoyServiceName}.${gw.envoyNamespace}.svc`,
        port: t.port,
        envoyNamespace: gw.envoyNamespace,
        podLabels: gw._describe().podLabels,
        // What the script reads from Envoy (stats or logs) to tell whether the provider did the work.
        evidence: gw.provider._behaviour.benchmarkEvidence ?? null,
        baseline: null as string | null,
      };
    }),
  };
  return {
    targets,
    namespace,
    name,
    seconds,
    clientPods,
    cpu,
    memory: memoryMi,
    createNamespace: props.createNamespace ?? false,
    nodeSelector: props.nodeSelector,
    tolerations: props.tolerations?.length ? props.tolerations : undefined,
    fortioImage,
    scriptImage,
    toolsImage,
    config,
  };
}

/** @internal The listener a benchmark loads: the gateway's first. */
export function targetListener(gw: AcceleratedTlsGateway): ListenerDescription {
  return gw._describe().listeners[0];
}
