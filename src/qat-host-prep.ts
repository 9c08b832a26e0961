import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkLabel } from './names';
import { checkEnum, checkInt, checkStringMap } from './qat-device-plugin';
import { QAT_HOST_PREP_SCRIPT } from './qat-host-prep-script';
import { ruleError } from './rules';
import { Versions } from './versions';

/** The container runtime whose memlock limit host preparation raises. */
export enum ContainerRuntime {
  /** containerd (`containerd.service`). */
  CONTAINERD = 'containerd',
  /** CRI-O (`crio.service`). */
  CRIO = 'crio',
}

/** The host-preparation steps; each can be switched off on its own. */
export interface QatHostPrepOptions {
  /**
   * Load `vfio_pci` (the driver QAT VFs are bound to) and persist it in
   * `/etc/modules-load.d/qat-vfio-pci.conf`.
   * @default true
   */
  readonly loadVfioPci?: boolean;
  /**
   * Make the VFIO group nodes `/dev/vfio/<group>` owned by `vfioUid`, now and whenever they are
   * re-created (udev rule `/etc/udev/rules.d/99-qat-vfio-owner.rules`).
   * @default true
   */
  readonly vfioAccess?: boolean;
  /**
   * Owner of the VFIO group nodes: the uid Envoy runs as.
   * @default 65532 (Envoy Gateway's non-root Envoy user)
   */
  readonly vfioUid?: number;
  /**
   * Raise the container runtime's memlock limit with a systemd drop-in
   * (`/etc/systemd/system/<runtime>.service.d/99-qat-memlock.conf`), restarting the runtime
   * only when the drop-in changed.
   * @default true
   */
  readonly raiseMemlock?: boolean;
  /**
   * The memlock limit in bytes.
   * @default 134217728 (128 MiB, as in Envoy Gateway's task "Accelerating TLS Handshakes using Private Key Provider in Envoy")
   */
  readonly memlockBytes?: number;
  /**
   * The container runtime of the nodes.
   * @default ContainerRuntime.CONTAINERD
   */
  readonly containerRuntime?: ContainerRuntime;
  /**
   * Image of the DaemonSet (needs `sh`, `nsenter` and `sleep`; the script runs with the host's bash).
   * @default Versions.QAT_HOST_PREP_IMAGE
   */
  readonly image?: string;
}

/** Props of `QatHostPrep`. */
export interface QatHostPrepProps extends QatHostPrepOptions {
  /**
   * Namespace of the DaemonSet; it must admit privileged pods.
   * @default 'inteldeviceplugins-system'
   */
  readonly namespace?: string;
  /**
   * Node selector.
   * @default `QatHostPrep.PF_LABEL: 'true'` and `kubernetes.io/arch: amd64`
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations.
   * @default none
   */
  readonly tolerations?: k8s.Toleration[];
}

/**
 * A privileged DaemonSet that prepares QAT hosts: loads and persists `vfio_pci`, gives the
 * VFIO group nodes to Envoy's user and raises the container runtime's memlock limit. The
 * script runs in the host's namespaces, is idempotent, writes only its own files, and then the
 * pod sleeps, so nodes that join later are prepared too.
 */
export class QatHostPrep extends Construct {
  /** Label our PF-presence NodeFeatureRule sets on nodes with a QAT physical function. */
  public static readonly PF_LABEL = 'atls.feature.node.kubernetes.io/qat-pf';

  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;

  constructor(scope: Construct, id: string, props: QatHostPrepProps = {}) {
    super(scope, id);
    const namespace = checkLabel(this, 'namespace', props.namespace ?? 'inteldeviceplugins-system');
    const nodeSelector = props.nodeSelector ?? { [QatHostPrep.PF_LABEL]: 'true', 'kubernetes.io/arch': 'amd64' };
    checkStringMap(this, 'nodeSelector', nodeSelector);
    const env = environment(this, props);
    if (env.every((e) => e.value === '' || e.value === 'false')) {
      throw ruleError('ATLS-QAT002', this, 'loadVfioPci', 'every host preparation step is off: leave the DaemonSet out instead');
    }
    const labels = { app: 'qat-host-prep' };
    // PID 1's namespaces: modprobe, udev and systemd are the host's. The wrapper then sleeps
    // and exits at once on SIGTERM.
    const wrapper = 'nsenter --target 1 --mount --uts --ipc --net --pid -- bash -c "$1" && trap "exit 0" TERM && while true; do sleep 3600 & wait $!; done';
    this.daemonSet = new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: 'qat-host-prep', namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            hostPid: true,
            containers: [{
              name: 'qat-host-prep',
              image: props.image ?? Versions.QAT_HOST_PREP_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '-c', wrapper, 'qat-host-prep', QAT_HOST_PREP_SCRIPT],
              env,
              resources: {
                requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
                limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('64Mi') },
              },
              securityContext: { privileged: true },
            }],
            nodeSelector,
            ...(props.tolerations ? { tolerations: props.tolerations } : {}),
          },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      },
    });
  }
}

/** The script's switches, validated. */
function environment(scope: Construct, props: QatHostPrepOptions): k8s.EnvVar[] {
  const vfio = props.vfioAccess ?? true;
  const memlock = props.raiseMemlock ?? true;
  if (!vfio && props.vfioUid !== undefined) throw ruleError('ATLS-QAT002', scope, 'vfioUid', 'needs vfioAccess');
  if (!memlock && (props.memlockBytes !== undefined || props.containerRuntime !== undefined)) {
    throw ruleError('ATLS-QAT002', scope, props.memlockBytes !== undefined ? 'memlockBytes' : 'containerRuntime', 'needs raiseMemlock');
  }
  const uid = vfio ? checkInt(scope, 'vfioUid', props.vfioUid ?? 65532, 0, 2 ** 32 - 2) : undefined;
  // qatlib needs 16 MiB per VF; below 1 MiB is a mistake, not a limit.
  const bytes = memlock ? checkInt(scope, 'memlockBytes', props.memlockBytes ?? 134217728, 1048576) : undefined;
  const runtime = memlock ? checkEnum(scope, 'containerRuntime', props.containerRuntime ?? ContainerRuntime.CONTAINERD, ContainerRuntime) : undefined;
  return [
    { name: 'QAT_PREP_LOAD_VFIO_PCI', value: String(props.loadVfioPci ?? true) },
    { name: 'QAT_PREP_VFIO_OWNER', value: uid === undefined ? '' : String(uid) },
    { name: 'QAT_PREP_RUNTIME', value: runtime ?? '' },
    { name: 'QAT_PREP_MEMLOCK', value: bytes === undefined ? '' : String(bytes) },
  ];
}
