import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { QAT_HOST_PREP_ASSET, readAsset } from '../core/assets';
import { ruleError } from '../core/rules';
import { checkEnum, checkImage, checkInt, checkLabel, checkLabelMap } from '../core/validation';
import { Versions } from '../core/versions';

/**
 * How host preparation lets Envoy's non-root user open the VFIO group devices of its QAT VFs.
 */
export class VfioOwnership {
  /**
   * A udev rule (`/etc/udev/rules.d/99-qat-vfio-owner.rules`) makes every VFIO group node on the
   * host, `/dev/vfio/<group>`, owned by `vfioUid`, now and whenever it is re-created. Works with
   * any runtime, but any container running as that uid that gets a VFIO group can use it.
   */
  public static readonly UDEV_RULE = new VfioOwnership('udev-rule');
  /**
   * The container runtime gives each container the devices allocated to it owned by the
   * container's runAsUser/runAsGroup (`device_ownership_from_security_context`, a containerd or
   * CRI-O config drop-in; the runtime is restarted once). Host nodes stay root's. It applies to
   * every container on the node: any non-root container owns the devices it is given.
   */
  public static readonly FROM_SECURITY_CONTEXT = new VfioOwnership('from-security-context');

  /** The method's name. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }
}

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
   * Let Envoy's non-root user open the VFIO group devices, as `vfioOwnership` says.
   * @default true
   */
  readonly vfioAccess?: boolean;
  /**
   * How the VFIO group devices become Envoy's.
   * @default VfioOwnership.UDEV_RULE
   */
  readonly vfioOwnership?: VfioOwnership;
  /**
   * Owner of the VFIO group nodes with `VfioOwnership.UDEV_RULE`: the uid Envoy runs as.
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
   * The container runtime of the nodes (for the memlock drop-in and
   * `VfioOwnership.FROM_SECURITY_CONTEXT`).
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
 * VFIO group devices to Envoy's user (udev rule, or the runtime's device ownership from the
 * security context) and raises the container runtime's memlock limit. The
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
    const namespace = checkLabel(this, 'ATLS-NAME001', 'namespace', props.namespace ?? 'inteldeviceplugins-system');
    const nodeSelector = props.nodeSelector ?? { [QatHostPrep.PF_LABEL]: 'true', 'kubernetes.io/arch': 'amd64' };
    checkLabelMap(this, 'ATLS-QAT002', 'nodeSelector', nodeSelector);
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
              image: checkImage(this, 'image', props.image) ?? Versions.QAT_HOST_PREP_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '-c', wrapper, 'qat-host-prep', readAsset(QAT_HOST_PREP_ASSET)],
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
  if (!vfio && (props.vfioUid !== undefined || props.vfioOwnership !== undefined)) {
    throw ruleError('ATLS-QAT002', scope, props.vfioUid !== undefined ? 'vfioUid' : 'vfioOwnership', 'needs vfioAccess');
  }
  const ownership = props.vfioOwnership ?? VfioOwnership.UDEV_RULE;
  if (!(ownership instanceof VfioOwnership)) throw ruleError('ATLS-QAT002', scope, 'vfioOwnership', `'${ownership}' is not a VfioOwnership`);
  const udev = vfio && ownership === VfioOwnership.UDEV_RULE;
  const fromContext = vfio && ownership === VfioOwnership.FROM_SECURITY_CONTEXT;
  if (fromContext && props.vfioUid !== undefined) {
    throw ruleError('ATLS-QAT002', scope, 'vfioUid', 'with VfioOwnership.FROM_SECURITY_CONTEXT the owner is the Envoy container\'s runAsUser');
  }
  if (!memlock && props.memlockBytes !== undefined) throw ruleError('ATLS-QAT002', scope, 'memlockBytes', 'needs raiseMemlock');
  if (!memlock && !fromContext && props.containerRuntime !== undefined) {
    throw ruleError('ATLS-QAT002', scope, 'containerRuntime', 'needs raiseMemlock or VfioOwnership.FROM_SECURITY_CONTEXT');
  }
  const uid = udev ? checkInt(scope, 'ATLS-QAT002', 'vfioUid', props.vfioUid ?? 65532, 0, 2 ** 32 - 2) : undefined;
  // qatlib needs 16 MiB per VF; below 1 MiB is a mistake, not a limit.
  const bytes = memlock ? checkInt(scope, 'ATLS-QAT002', 'memlockBytes', props.memlockBytes ?? 134217728, 1048576) : undefined;
  const runtime = memlock || fromContext
    ? checkEnum(scope, 'containerRuntime', props.containerRuntime ?? ContainerRuntime.CONTAINERD, ContainerRuntime) : undefined;
  return [
    { name: 'QAT_PREP_LOAD_VFIO_PCI', value: String(props.loadVfioPci ?? true) },
    { name: 'QAT_PREP_VFIO_OWNER', value: uid === undefined ? '' : String(uid) },
    { name: 'QAT_PREP_RUNTIME', value: runtime ?? '' },
    { name: 'QAT_PREP_DEVICE_OWNERSHIP', value: String(fromContext) },
    { name: 'QAT_PREP_MEMLOCK', value: bytes === undefined ? '' : String(bytes) },
  ];
}
