import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { QatDevicePluginProps } from './device-plugin-props';
import { declareExistingQatPlugin, ExistingQatDevicePluginProps } from './existing-device-plugin';
import { QAT_READY_LABEL } from './labels';
import { ENVOY_PF_DEVICE_IDS, ResolvedQatDevicePlugin, resolveQatDevicePlugin } from './resolve-device-plugin';
import { QatServices } from './services';
import { AppRegistry } from '../core/app-registry';
import { privilegedNamespace, restrictedContainer } from '../core/pod-security';


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
  public static readonly PF_DEVICE_IDS: string[] = ENVOY_PF_DEVICE_IDS;

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
    AppRegistry.of(this).claim(QatDevicePlugin, this);
    const r = resolveQatDevicePlugin(this, props);
    this.namespace = r.namespace;
    this.services = r.services;
    this.pfDeviceIds = r.pfDeviceIds;
    this.nodeSelector = r.nodeSelector;
    this.resourceNames = r.resourceNames;

    if (r.createNamespace) {
      this.namespaceObject = privilegedNamespace(this, r.namespace,
        'the QAT init container and host preparation run privileged (sysfs writes, host namespaces)');
    }
    if (r.services) {
      this.configMap = new k8s.KubeConfigMap(this, 'Config', {
        metadata: { name: 'qat-config', namespace: r.namespace },
        data: { 'qat.conf': `ServicesEnabled=${r.services.value}\n${r.autoReset ? 'AutoresetEnabled=on\n' : ''}` },
      });
    }
    this.daemonSet = this.addDaemonSet(r);
  }

  private addDaemonSet(r: ResolvedQatDevicePlugin): ApiObject {
    const labels = { app: 'intel-qat-plugin' };
    const nodeName: k8s.EnvVar = { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } };
    const hostPath = (name: string, path: string): k8s.Volume => ({ name, hostPath: { path } });
    return new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: 'intel-qat-plugin', namespace: r.namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            ...(r.configureVfs ? {
              initContainers: [{
                name: 'intel-qat-initcontainer',
                image: r.initImage,
                env: [nodeName, { name: 'ENABLED_QAT_PF_PCIIDS', value: r.enabledPfIds.join(' ') }],
                securityContext: { readOnlyRootFilesystem: true, privileged: true },
                volumeMounts: [{ name: 'sysfs', mountPath: '/sys' }, { name: 'qat-config', mountPath: '/qat-init/conf' }],
              }],
            } : {}),
            containers: [{
              name: 'intel-qat-plugin',
              image: r.image,
              imagePullPolicy: 'IfNotPresent',
              ...(r.args.length > 0 ? { args: r.args } : {}),
              env: [nodeName],
              resources: {
                requests: { cpu: k8s.Quantity.fromString('70m'), memory: k8s.Quantity.fromString('15Mi') },
                limits: { cpu: k8s.Quantity.fromString('140m'), memory: k8s.Quantity.fromString('30Mi') },
              },
              securityContext: restrictedContainer({
                seLinuxOptions: { type: 'container_device_plugin_t' },
                seccompProfile: { type: 'RuntimeDefault' },
              }),
              volumeMounts: [
                { name: 'devdir', mountPath: '/dev/vfio', readOnly: true },
                { name: 'debugfsdir', mountPath: '/sys/kernel/debug', readOnly: true },
                // Read-write: the plugin rebinds VFs to the DPDK driver.
                { name: 'pcidir', mountPath: '/sys/bus/pci' },
                { name: 'kubeletsockets', mountPath: '/var/lib/kubelet/device-plugins' },
              ],
            }],
            nodeSelector: r.nodeSelector,
            ...(r.tolerations ? { tolerations: r.tolerations } : {}),
            volumes: [
              ...(r.configureVfs ? [
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
}
