import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { QatDevicePlugin } from './device-plugin';
import { QatDevicePluginProps } from './device-plugin-props';
import { QatHostPrep, QatHostPrepOptions } from './host-prep';
import { ruleError } from '../core/rules';
import {
  NodeFeatureRule, NodeFeatureRuleSpecRulesMatchAnyMatchFeaturesMatchExpressionsOp as AnyOp,
  NodeFeatureRuleSpecRulesMatchFeaturesMatchExpressionsOp as Op,
} from '../imports/nfd.k8s-sigs.io';
import { NodeFeatureDiscovery } from '../nfd/node-feature-discovery';

/** Props of `QatNodePrep`. */
export interface QatNodePrepProps extends QatDevicePluginProps {
  /**
   * Run the privileged host-preparation DaemonSet on nodes with a QAT physical function.
   * Switch it off when the nodes are prepared otherwise (image, MachineConfig, Ansible).
   * @default true
   */
  readonly prepareHosts?: boolean;
  /**
   * Host-preparation steps.
   * @default every step on (vfio_pci, /dev/vfio owner 65532, containerd memlock 128 MiB)
   */
  readonly hostPrep?: QatHostPrepOptions;
}

/**
 * Everything Kubernetes can do to make Intel QAT usable by Envoy, in one construct: the QAT
 * device plugin with VF setup and services config (`QatDevicePlugin`), the host preparation
 * (`QatHostPrep`), the Node Feature Discovery rules that select nodes for each, and NFD itself
 * (the app's one instance, created when absent, nothing when declared existing).
 *
 * Order on a node: the PF-presence rule labels it, host preparation loads vfio-pci, the
 * readiness rule then labels it, and the plugin starts there, creates the VFs and advertises
 * the resource (`qat.intel.com/cy` by default).
 */
export class QatNodePrep extends Construct {
  /** The device plugin (DaemonSet, ConfigMap, Namespace). */
  public readonly devicePlugin: QatDevicePlugin;
  /** The host preparation (undefined when `prepareHosts` is false). */
  public readonly hostPrep?: QatHostPrep;
  /** NodeFeatureRule labelling nodes ready for the plugin (`QatDevicePlugin.READY_LABEL`). */
  public readonly readinessRule: ApiObject;
  /** NodeFeatureRule labelling nodes with a QAT physical function (`QatHostPrep.PF_LABEL`). */
  public readonly pfRule?: ApiObject;

  constructor(scope: Construct, id: string, props: QatNodePrepProps = {}) {
    super(scope, id);
    const { prepareHosts, hostPrep, ...pluginProps } = props;
    this.devicePlugin = new QatDevicePlugin(this, 'DevicePlugin', pluginProps);
    NodeFeatureDiscovery._ensure(this);

    const pciPf = {
      feature: 'pci.device',
      matchExpressions: {
        vendor: { op: Op.IN, value: ['8086'] },
        // Only PFs whose VFs the plugin advertises as a resource Envoy can use: a C62x node
        // labelled ready would get the plugin but never a qat.intel.com/cy to schedule on.
        device: { op: Op.IN, value: this.devicePlugin.pfDeviceIds },
        class: { op: Op.IN, value: ['0b40'] },
      },
    };
    // Intel's `intel.qat` rule (v0.36.0) narrowed to the PFs that can serve Envoy: Intel's also
    // labels C62x (37c8), whose VFs get no qat.intel.com/cy.
    this.readinessRule = new NodeFeatureRule(this, 'ReadinessRule', {
      metadata: { name: 'atls-qat-ready' },
      spec: {
        rules: [{
          name: 'intel.qat',
          labels: { [QatDevicePlugin.READY_LABEL]: 'true' },
          matchFeatures: [pciPf, { feature: 'kernel.loadedmodule', matchExpressions: { intel_qat: { op: Op.EXISTS } } }],
          matchAny: [
            { matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { vfio_pci: { op: AnyOp.EXISTS } } }] },
            { matchFeatures: [{ feature: 'kernel.enabledmodule', matchExpressions: { 'vfio-pci': { op: AnyOp.EXISTS } } }] },
          ],
        }],
      },
    });

    if (prepareHosts ?? true) {
      // A QAT PF alone, no module conditions: host prep is what loads vfio-pci. Not NFD's
      // pci-0b40_8086 label, which DLB and other Intel accelerators carry too.
      this.pfRule = new NodeFeatureRule(this, 'PfRule', {
        metadata: { name: 'atls-qat-pf' },
        spec: { rules: [{ name: 'atls.qat-pf', labels: { [QatHostPrep.PF_LABEL]: 'true' }, matchFeatures: [pciPf] }] },
      });
      this.hostPrep = new QatHostPrep(this, 'HostPrep', {
        ...hostPrep,
        namespace: this.devicePlugin.namespace,
        tolerations: props.tolerations,
      });
    } else if (hostPrep) {
      throw ruleError('ATLS-QAT002', this, 'hostPrep', 'needs prepareHosts');
    }
  }
}
