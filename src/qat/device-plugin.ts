import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { declareExistingQatPlugin, ExistingQatDevicePluginProps } from './existing-device-plugin';
import { defaultQatNodeSelector, QAT_READY_LABEL } from './labels';
import { QatServices } from './services';
import { AppRegistry } from '../core/app-registry';
import { privilegedNamespace } from '../core/pod-security';
import { ruleError } from '../core/rules';
import { checkEnum, checkImage, checkInt, checkLabel, checkLabelMap } from '../core/validation';
import { Versions } from '../core/versions';

/** Driver the plugin binds QAT VFs to (`-dpdk-driver`). */
export enum QatDpdkDriver {
  /** vfio-pci (the plugin's default): what qatlib and Envoy's QAT provider use. */
  VFIO_PCI = 'vfio-pci',
  /** igb_uio (legacy DPDK). */
  IGB_UIO = 'igb_uio',
}

/** Kernel VF drivers whose devices the plugin registers (`-kernel-vf-drivers`). */
export enum QatVfDriver {
  /** DH895xCC VFs. */
  DRIVER_DH895XCCVF = 'dh895xccvf',
  /** C62x VFs (37c9). */
  DRIVER_C6XXVF = 'c6xxvf',
  /** C3xxx VFs. */
  DRIVER_C3XXXVF = 'c3xxxvf',
  /** D15xx VFs. */
  DRIVER_D15XXVF = 'd15xxvf',
  /** Gen4 4xxx/401xx/402xx VFs (4941, 4943, 4945). */
  DRIVER_4XXXVF = '4xxxvf',
  /** Gen4 420xx VFs (4947). */
  DRIVER_420XXVF = '420xxvf',
  /** C4xxx VFs. */
  DRIVER_C4XXXVF = 'c4xxxvf',
  /** Gen6 6xxx VFs (4949). Not in the plugin's default list. */
  DRIVER_6XXXVF = '6xxxvf',
}

/** How the plugin picks VFs for a container (`-allocation-policy`). */
export enum QatAllocationPolicy {
  /** Spread the VFs across physical functions. */
  BALANCED = 'balanced',
  /** Take the lowest-numbered VFs. */
  PACKED = 'packed',
}

/** Props of `QatDevicePlugin`. */
export interface QatDevicePluginProps {
  /**
   * Namespace of the plugin (and of the `qat-config` ConfigMap, which must be beside it).
   * @default 'inteldeviceplugins-system'
   */
  readonly namespace?: string;
  /**
   * Create the namespace, labelled with the Pod Security level that admits the privileged
   * init container and host preparation.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Plugin image.
   * @default Versions.QAT_PLUGIN_IMAGE
   */
  readonly image?: string;
  /**
   * Set up the VFs: the init container (creates SR-IOV VFs, binds them to vfio-pci, configures
   * the services) and the `qat-config` ConfigMap. Without it, VFs must exist already and the
   * kernel's default applies (half the devices `dc`).
   * @default true
   */
  readonly configureVfs?: boolean;
  /**
   * Init container image.
   * @default Versions.QAT_INITCONTAINER_IMAGE
   */
  readonly initImage?: string;
  /**
   * Services the VFs are configured for; decides the resource the plugin advertises.
   * Needs Linux 6.0+ (4xxx), 6.8+ (420xx), 6.16 (6xxx).
   * @default QatServices.CRYPTO (`sym;asym`, advertised as `qat.intel.com/cy`)
   */
  readonly services?: QatServices;
  /**
   * Turn on the devices' auto-reset (`AutoresetEnabled=on`). The init container fails on
   * kernels before 6.8 (6.16 for 6xxx), hence opt-in.
   * @default false
   */
  readonly autoReset?: boolean;
  /**
   * PCI device ids of the physical functions the init container enables
   * (`ENABLED_QAT_PF_PCIIDS`, four hex digits each).
   * @default the PFs of `PF_DEVICE_IDS` whose VF drivers `kernelVfDrivers` lists
   */
  readonly enabledPfIds?: string[];
  /**
   * `-dpdk-driver`.
   * @default not passed (the plugin uses vfio-pci)
   */
  readonly dpdkDriver?: QatDpdkDriver;
  /**
   * `-kernel-vf-drivers`. The plugin's default, `4xxxvf,420xxvf`, does not cover Gen6
   * (`6xxxvf`): list it for 6xxx devices.
   * @default not passed (the plugin uses 4xxxvf,420xxvf)
   */
  readonly kernelVfDrivers?: QatVfDriver[];
  /**
   * `-max-num-devices`: how many VFs the plugin registers (the first found).
   * @default not passed (the plugin uses 64)
   */
  readonly maxNumDevices?: number;
  /**
   * `-allocation-policy`.
   * @default not passed (first available VFs)
   */
  readonly allocationPolicy?: QatAllocationPolicy;
  /**
   * klog verbosity (`-v`).
   * @default not passed (0)
   */
  readonly logLevel?: number;
  /**
   * Node selector of the plugin pods (replaces the default wholesale).
   * @default `intel.feature.node.kubernetes.io/qat: 'true'` and `kubernetes.io/arch: amd64`
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the plugin pods (accelerator nodes are often tainted).
   * @default none
   */
  readonly tolerations?: k8s.Toleration[];
}

/** The plugin's `-kernel-vf-drivers` default (v0.36.0 cmd/qat_plugin/qat_plugin.go). */
const DEFAULT_VF_DRIVERS = [QatVfDriver.DRIVER_4XXXVF, QatVfDriver.DRIVER_420XXVF];
/**
 * PF device ids by the kernel driver of their VFs, for the generations Envoy can use (the VF id
 * is the PF id + 1; v0.36.0 cmd/qat_plugin/dpdkdrv/dpdkdrv.go `qatDeviceDriver` and
 * `getDeviceCapabilities`, which gives `cy` only to these VFs).
 */
const ENVOY_PF_IDS_BY_VF_DRIVER: Partial<Record<QatVfDriver, string[]>> = {
  [QatVfDriver.DRIVER_4XXXVF]: ['4940', '4942', '4944'],
  [QatVfDriver.DRIVER_420XXVF]: ['4946'],
  [QatVfDriver.DRIVER_6XXXVF]: ['4948'],
};
const PF_ID = /^[0-9a-f]{4}$/;

/**
 * The Intel QAT device plugin v0.36.0 as the upstream `qat_initcontainer` overlay renders it,
 * in its own namespace: the `intel-qat-plugin` DaemonSet with the VF init container, and the
 * `qat-config` ConfigMap that selects the services. One per app.
 * `QatDevicePlugin.useExisting(scope, ...)` declares a plugin that is already installed instead.
 */
export class QatDevicePlugin extends Construct {

  /** NFD label of a node ready for the plugin (a QAT PF that can serve Envoy, intel_qat and vfio-pci). */
  public static readonly READY_LABEL = QAT_READY_LABEL;
  /**
   * PCI device ids of the QAT physical functions whose VFs can serve Envoy's QAT provider:
   * 4xxx (4940), 401xx (4942), 402xx (4944), 420xx (4946), 6xxx (4948). C62x (37c8) and older
   * generations are left out: Envoy's provider uses qatlib, which drives Gen4 and later, and the
   * plugin advertises `qat.intel.com/cy` only for Gen4 and later VFs.
   */
  public static readonly PF_DEVICE_IDS: string[] = Object.values(ENVOY_PF_IDS_BY_VF_DRIVER).flatMap((ids) => ids ?? []);

  /**
   * Declares that Intel's QAT device plugin is already installed in the cluster: nothing is
   * emitted, but QAT gateways (and `onQatNodes` baselines) know which resources it advertises
   * and on which nodes, as they would from a `QatDevicePlugin` in the app. Without either,
   * ATLS-QAT003 warns that their Envoy pods would stay Pending.
   *
   * @param scope any construct of the app
   * @param props what the installed plugin advertises, and where
   */
  public static useExisting(scope: IConstruct, props: ExistingQatDevicePluginProps = {}): void {
    declareExistingQatPlugin(scope, QatDevicePlugin, props);
  }

  /** The plugin DaemonSet. */
  public readonly daemonSet: ApiObject;
  /** The `qat-config` ConfigMap (undefined without `configureVfs`). */
  public readonly configMap?: ApiObject;
  /** The Namespace (undefined without `createNamespace`). */
  public readonly namespaceObject?: ApiObject;
  /** Namespace of the plugin. */
  public readonly namespace: string;
  /** Services configured (undefined without `configureVfs`: the kernel's default mix). */
  public readonly services?: QatServices;
  /** Extended resources the plugin advertises on Gen4/Gen6 nodes. */
  public readonly resourceNames: string[];
  /** Nodes the plugin runs on, so where QAT VFs are advertised and QAT gateways' pods land. */
  public readonly nodeSelector: { [key: string]: string };
  /**
   * PCI device ids of the physical functions whose VFs this plugin registers and Envoy can use
   * (`PF_DEVICE_IDS` narrowed to `kernelVfDrivers`): the node rules select on these.
   */
  public readonly pfDeviceIds: string[];

  constructor(scope: Construct, id: string, props: QatDevicePluginProps = {}) {
    super(scope, id);
    const reg = AppRegistry.of(this);
    reg.claim(QatDevicePlugin, this);
    this.namespace = checkLabel(this, 'ATLS-NAME001', 'namespace', props.namespace ?? 'inteldeviceplugins-system');
    const configureVfs = props.configureVfs ?? true;
    this.services = configureVfs ? (props.services ?? QatServices.CRYPTO) : undefined;
    const args = this.args(props);
    this.pfDeviceIds = this.servingPfIds(props.kernelVfDrivers);
    const pfIds = this.pfIds(props);
    const nodeSelector = this.nodeSelector = props.nodeSelector ?? defaultQatNodeSelector();
    checkLabelMap(this, 'ATLS-QAT002', 'nodeSelector', nodeSelector);
    if (!configureVfs && (props.services || props.autoReset || props.enabledPfIds || props.initImage)) {
      throw ruleError('ATLS-QAT002', this, 'configureVfs', 'services, autoReset, enabledPfIds and initImage need configureVfs');
    }
    if (this.services?.gen6Only && props.kernelVfDrivers && !props.kernelVfDrivers.includes(QatVfDriver.DRIVER_6XXXVF)) {
      throw ruleError('ATLS-QAT002', this, 'services', `'${this.services.value}' exists on Gen6 (6xxx) only, but kernelVfDrivers leaves out 6xxxvf`);
    }
    if (this.services?.gen6Only && !props.kernelVfDrivers) {
      throw ruleError('ATLS-QAT002', this, 'kernelVfDrivers', `'${this.services.value}' exists on Gen6 (6xxx) only: list QatVfDriver.DRIVER_6XXXVF (the plugin's default leaves it out)`);
    }
    // Without a services config the kernel makes even devices crypto and odd ones compression.
    this.resourceNames = this.services ? [this.services.resourceName] : ['qat.intel.com/cy', 'qat.intel.com/dc'];

    if (props.createNamespace ?? true) {
      this.namespaceObject = privilegedNamespace(this, this.namespace,
        'the QAT init container and host preparation run privileged (sysfs writes, host namespaces)');
    }
    if (this.services) {
      this.configMap = new k8s.KubeConfigMap(this, 'Config', {
        metadata: { name: 'qat-config', namespace: this.namespace },
        data: { 'qat.conf': `ServicesEnabled=${this.services.value}\n${props.autoReset ? 'AutoresetEnabled=on\n' : ''}` },
      });
    }

    const labels = { app: 'intel-qat-plugin' };
    const nodeName: k8s.EnvVar = { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } };
    const hostPath = (name: string, path: string): k8s.Volume => ({ name, hostPath: { path } });
    this.daemonSet = new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: 'intel-qat-plugin', namespace: this.namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            ...(configureVfs ? {
              initContainers: [{
                name: 'intel-qat-initcontainer',
                image: checkImage(this, 'initImage', props.initImage) ?? Versions.QAT_INITCONTAINER_IMAGE,
                env: [nodeName, { name: 'ENABLED_QAT_PF_PCIIDS', value: pfIds.join(' ') }],
                securityContext: { readOnlyRootFilesystem: true, privileged: true },
                volumeMounts: [{ name: 'sysfs', mountPath: '/sys' }, { name: 'qat-config', mountPath: '/qat-init/conf' }],
              }],
            } : {}),
            containers: [{
              name: 'intel-qat-plugin',
              image: checkImage(this, 'image', props.image) ?? Versions.QAT_PLUGIN_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              ...(args.length > 0 ? { args } : {}),
              env: [nodeName],
              resources: {
                requests: { cpu: k8s.Quantity.fromString('70m'), memory: k8s.Quantity.fromString('15Mi') },
                limits: { cpu: k8s.Quantity.fromString('140m'), memory: k8s.Quantity.fromString('30Mi') },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                readOnlyRootFilesystem: true,
                seLinuxOptions: { type: 'container_device_plugin_t' },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'devdir', mountPath: '/dev/vfio', readOnly: true },
                { name: 'debugfsdir', mountPath: '/sys/kernel/debug', readOnly: true },
                // Read-write: the plugin rebinds VFs to the DPDK driver.
                { name: 'pcidir', mountPath: '/sys/bus/pci' },
                { name: 'kubeletsockets', mountPath: '/var/lib/kubelet/device-plugins' },
              ],
            }],
            nodeSelector,
            ...(props.tolerations ? { tolerations: props.tolerations } : {}),
            volumes: [
              ...(configureVfs ? [
                hostPath('sysfs', '/sys'),
                // 0440: the config is read only by the init container.
                { name: 'qat-config', configMap: { name: 'qat-config', optional: true, defaultMode: 0o440 } },
              ] : []),
              hostPath('devdir', '/dev/vfio'),
              hostPath('debugfsdir', '/sys/kernel/debug'),
              hostPath('pcidir', '/sys/bus/pci'),
              hostPath('kubeletsockets', '/var/lib/kubelet/device-plugins'),
            ],
          },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      },
    });
  }

  private args(props: QatDevicePluginProps): string[] {
    const args: string[] = [];
    if (props.logLevel !== undefined) args.push(`-v=${checkInt(this, 'ATLS-QAT002', 'logLevel', props.logLevel, 0)}`);
    if (props.dpdkDriver !== undefined) args.push(`-dpdk-driver=${checkEnum(this, 'dpdkDriver', props.dpdkDriver, QatDpdkDriver)}`);
    if (props.kernelVfDrivers !== undefined) {
      const drivers = props.kernelVfDrivers;
      if (!Array.isArray(drivers) || drivers.length === 0) throw ruleError('ATLS-QAT002', this, 'kernelVfDrivers', 'list at least one driver');
      drivers.forEach((d, i) => checkEnum(this, `kernelVfDrivers[${i}]`, d, QatVfDriver));
      if (new Set(drivers).size !== drivers.length) throw ruleError('ATLS-QAT002', this, 'kernelVfDrivers', `duplicate drivers in ${drivers.join(',')}`);
      args.push(`-kernel-vf-drivers=${drivers.join(',')}`);
    }
    if (props.maxNumDevices !== undefined) args.push(`-max-num-devices=${checkInt(this, 'ATLS-QAT002', 'maxNumDevices', props.maxNumDevices, 1)}`);
    if (props.allocationPolicy !== undefined) {
      args.push(`-allocation-policy=${checkEnum(this, 'allocationPolicy', props.allocationPolicy, QatAllocationPolicy)}`);
    }
    return args;
  }

  /** The PFs whose VFs the plugin registers (by their kernel VF driver) and that can serve Envoy. */
  private servingPfIds(drivers: QatVfDriver[] = DEFAULT_VF_DRIVERS): string[] {
    const ids = drivers.flatMap((d) => ENVOY_PF_IDS_BY_VF_DRIVER[d] ?? []);
    if (ids.length === 0) {
      throw ruleError('ATLS-QAT002', this, 'kernelVfDrivers',
        `none of ${drivers.join(',')} serves Envoy: qatlib and the plugin's qat.intel.com/cy need Gen4 or later VFs (4xxxvf, 420xxvf, 6xxxvf)`);
    }
    return QatDevicePlugin.PF_DEVICE_IDS.filter((id) => ids.includes(id));
  }

  private pfIds(props: QatDevicePluginProps): string[] {
    const ids = props.enabledPfIds ?? this.pfDeviceIds;
    if (!Array.isArray(ids) || ids.length === 0) throw ruleError('ATLS-QAT002', this, 'enabledPfIds', 'list at least one PCI device id');
    ids.forEach((v, i) => {
      if (typeof v !== 'string' || !PF_ID.test(v)) {
        throw ruleError('ATLS-QAT002', this, `enabledPfIds[${i}]`, `'${v}' is not a PCI device id (four lowercase hex digits, e.g. 4940)`);
      }
    });
    return ids;
  }
}
