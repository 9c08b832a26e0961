import { k8s } from 'cdk8s-plus-28';
import { QatAllocationPolicy, QatDpdkDriver, QatVfDriver } from './plugin-options';
import { QatServices } from './services';

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
