import { Duration, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { AcceleratedTlsGateway } from '../gateway/accelerated-tls-gateway';

/** Props of `HandshakeBenchmark`. */
export interface HandshakeBenchmarkProps {
  /**
   * Gateways to load, one after another, in this order. Every accelerated gateway needs a
   * `KeyProvider.software()` gateway of the same shape and placement among them: its baseline.
   */
  readonly targets: AcceleratedTlsGateway[];
  /**
   * SNI hostname (and URL host) of every request.
   * @default the first target's first listener hostname
   */
  readonly hostname?: string;
  /**
   * Connections fortio keeps busy (`-c`), the same for every target.
   *
   * An accelerated target batches the private-key operations of concurrent handshakes: CryptoMB
   * processes up to 8 in one call, which costs the same CPU whether 1 or 8 lanes carry work, so
   * with fewer than about 3 operations per batch it is slower than software (measured on Ice Lake
   * against OpenSSL 3.0). Keep enough connections in flight per Envoy worker thread to fill the
   * batches, or the ratio measures the poll delay and empty lanes rather than the accelerator.
   * @default 64
   */
  readonly concurrency?: number;
  /**
   * Load duration per target (`-t`), whole seconds.
   * @default Duration.seconds(30)
   */
  readonly duration?: Duration;
  /**
   * Requests per second (`-qps`); 0 is as many as the targets answer.
   * @default 0
   */
  readonly qps?: number;
  /**
   * Namespace of the Job, its ServiceAccount and ConfigMap.
   * @default the namespace of the chart it is in, when the chart has one; 'default' otherwise
   */
  readonly namespace?: string;
  /**
   * Create the namespace, labelled with Pod Security `restricted` (the Job's pod complies).
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Name of the Job and of its ServiceAccount, ConfigMap, Roles and RoleBindings.
   * @default 'handshake-benchmark'
   */
  readonly name?: string;
  /**
   * CPU of each client pod (requests = limits). A run in which a client uses more than 90% of it
   * is flagged client-bound, and ratios involving it untrustworthy.
   * @default Cpu.units(2)
   */
  readonly cpu?: Cpu;
  /**
   * Memory of each client pod (requests = limits).
   * @default Size.mebibytes(512)
   */
  readonly memory?: Size;
  /**
   * Client pods loading each target at the same time, each with `concurrency` connections; their
   * throughput is summed. From 1 to 100. The Job is Indexed, one pod per client; with more than
   * one, the pods agree on a start time through the API (get/list pods and get pods/log in the
   * Job's namespace).
   * @default 1
   */
  readonly clientPods?: number;
  /**
   * Node selector of the client. It never runs on a node with the targets' Envoy pods.
   * @default none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the client.
   * @default none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * fortio image (the binary is copied from `/usr/bin/fortio`).
   * @default Versions.FORTIO_IMAGE
   */
  readonly fortioImage?: string;
  /**
   * Image running the script (Python 3 with its standard library).
   * @default Versions.BENCHMARK_SCRIPT_IMAGE
   */
  readonly scriptImage?: string;
  /**
   * Image with a static busybox, used to copy fortio out of its shell-less image.
   * @default Versions.BENCHMARK_TOOLS_IMAGE
   */
  readonly toolsImage?: string;
}