import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { QatDevicePluginProps } from './device-plugin-props';
import { defaultQatNodeSelector } from './labels';
import { QatAllocationPolicy, QatDpdkDriver, QatVfDriver } from './plugin-options';
import { QatServices } from './services';
import { ruleError } from '../core/rules';
import { checkEnum, checkImage, checkInt, checkLabel, checkLabelMap, checkNonEmptyList } from '../core/validation';
import { Versions } from '../core/versions';

/** The plugin's `-kernel-vf-drivers` default (v0.36.0 cmd/qat_plugin/qat_plugin.go). */
const DEFAULT_VF_DRIVERS = [QatVfDriver.DRIVER_4XXXVF, QatVfDriver.DRIVER_420XXVF];
/**
 * @internal PF device ids by the kernel driver of their VFs, for the generations Envoy can use (the VF id
 * is the PF id + 1; v0.36.0 cmd/qat_plugin/dpdkdrv/dpdkdrv.go `qatDeviceDriver` and
 * `getDeviceCapabilities`, which gives `cy` only to these VFs).
 */
export const ENVOY_PF_IDS_BY_VF_DRIVER: Partial<Record<QatVfDriver, string[]>> = {
  [QatVfDriver.DRIVER_4XXXVF]: ['4940', '4942', '4944'],
  [QatVfDriver.DRIVER_420XXVF]: ['4946'],
  [QatVfDriver.DRIVER_6XXXVF]: ['4948'],
};
const PF_ID = /^[0-9a-f]{4}$/;


/** @internal PCI device ids of every PF whose VFs can serve Envoy's QAT provider. */
export const ENVOY_PF_DEVICE_IDS: string[] = Object.values(ENVOY_PF_IDS_BY_VF_DRIVER).flatMap((ids) => ids ?? []);

/** @internal QatDevicePlugin's props, checked, with their defaults applied. */
export interface ResolvedQatDevicePlugin {
  readonly namespace: string;
  readonly createNamespace: boolean;
  readonly configureVfs: boolean;
  /** Undefined without `configureVfs`. */
  readonly services?: QatServices;
  readonly autoReset: boolean;
  /** The plugin's command line. */
  readonly args: string[];
  /** The PFs whose VFs the plugin registers and Envoy can use. */
  readonly pfDeviceIds: string[];
  /** The PFs the init container enables. */
  readonly enabledPfIds: string[];
  readonly nodeSelector: { [key: string]: string };
  readonly tolerations?: k8s.Toleration[];
  readonly resourceNames: string[];
  readonly initImage: string;
  readonly image: string;
}

/** @internal Checks the props (throwing on the first bad one) and applies the defaults. */
export function resolveQatDevicePlugin(scope: IConstruct, props: QatDevicePluginProps): ResolvedQatDevicePlugin {
  const namespace = checkLabel(scope, 'ATLS-NAME001', 'namespace', props.namespace ?? 'inteldeviceplugins-system');
  const configureVfs = props.configureVfs ?? true;
  const services = configureVfs ? (props.services ?? QatServices.CRYPTO) : undefined;
  const args = pluginArgs(scope, props);
  const pfDeviceIds = servingPfIds(scope, props.kernelVfDrivers);
  const enabledPfIds = checkPfIds(scope, props.enabledPfIds ?? pfDeviceIds);
  const nodeSelector = props.nodeSelector ?? defaultQatNodeSelector();
  checkLabelMap(scope, 'ATLS-QAT002', 'nodeSelector', nodeSelector);
  if (!configureVfs && (props.services || props.autoReset || props.enabledPfIds || props.initImage)) {
    throw ruleError('ATLS-QAT002', scope, 'configureVfs', 'services, autoReset, enabledPfIds and initImage need configureVfs');
  }
  if (services?.gen6Only && props.kernelVfDrivers && !props.kernelVfDrivers.includes(QatVfDriver.DRIVER_6XXXVF)) {
    throw ruleError('ATLS-QAT002', scope, 'services', `'${services.value}' exists on Gen6 (6xxx) only, but kernelVfDrivers leaves out 6xxxvf`);
  }
  if (services?.gen6Only && !props.kernelVfDrivers) {
    throw ruleError('ATLS-QAT002', scope, 'kernelVfDrivers', `'${services.value}' exists on Gen6 (6xxx) only: list QatVfDriver.DRIVER_6XXXVF (the plugin's default leaves it out)`);
  }
  return {
    namespace,
    createNamespace: props.createNamespace ?? true,
    configureVfs,
    services,
    autoReset: props.autoReset ?? false,
    args,
    pfDeviceIds,
    enabledPfIds,
    nodeSelector,
    tolerations: props.tolerations,
    // Without a services config the kernel makes even devices crypto and odd ones compression.
    resourceNames: services ? [services.resourceName] : ['qat.intel.com/cy', 'qat.intel.com/dc'],
    initImage: checkImage(scope, 'initImage', props.initImage) ?? Versions.QAT_INITCONTAINER_IMAGE,
    image: checkImage(scope, 'image', props.image) ?? Versions.QAT_PLUGIN_IMAGE,
  };
}

function pluginArgs(scope: IConstruct, props: QatDevicePluginProps): string[] {
  const args: string[] = [];
  if (props.logLevel !== undefined) args.push(`-v=${checkInt(scope, 'ATLS-QAT002', 'logLevel', props.logLevel, 0)}`);
  if (props.dpdkDriver !== undefined) args.push(`-dpdk-driver=${checkEnum(scope, 'dpdkDriver', props.dpdkDriver, QatDpdkDriver)}`);
  if (props.kernelVfDrivers !== undefined) {
    const drivers = checkNonEmptyList(scope, 'ATLS-QAT002', 'kernelVfDrivers', props.kernelVfDrivers, 'list at least one driver');
    drivers.forEach((d, i) => checkEnum(scope, `kernelVfDrivers[${i}]`, d, QatVfDriver));
    if (new Set(drivers).size !== drivers.length) throw ruleError('ATLS-QAT002', scope, 'kernelVfDrivers', `duplicate drivers in ${drivers.join(',')}`);
    args.push(`-kernel-vf-drivers=${drivers.join(',')}`);
  }
  if (props.maxNumDevices !== undefined) args.push(`-max-num-devices=${checkInt(scope, 'ATLS-QAT002', 'maxNumDevices', props.maxNumDevices, 1)}`);
  if (props.allocationPolicy !== undefined) {
    args.push(`-allocation-policy=${checkEnum(scope, 'allocationPolicy', props.allocationPolicy, QatAllocationPolicy)}`);
  }
  return args;
}

/** The PFs whose VFs the plugin registers (by their kernel VF driver) and that can serve Envoy. */
function servingPfIds(scope: IConstruct, drivers: QatVfDriver[] = DEFAULT_VF_DRIVERS): string[] {
  const ids = drivers.flatMap((d) => ENVOY_PF_IDS_BY_VF_DRIVER[d] ?? []);
  if (ids.length === 0) {
    throw ruleError('ATLS-QAT002', scope, 'kernelVfDrivers',
      `none of ${drivers.join(',')} serves Envoy: qatlib and the plugin's qat.intel.com/cy need Gen4 or later VFs (4xxxvf, 420xxvf, 6xxxvf)`);
  }
  return ENVOY_PF_DEVICE_IDS.filter((id) => ids.includes(id));
}

function checkPfIds(scope: IConstruct, ids: string[]): string[] {
  checkNonEmptyList(scope, 'ATLS-QAT002', 'enabledPfIds', ids, 'list at least one PCI device id').forEach((v, i) => {
    if (typeof v !== 'string' || !PF_ID.test(v)) {
      throw ruleError('ATLS-QAT002', scope, `enabledPfIds[${i}]`, `'${v}' is not a PCI device id (four lowercase hex digits, e.g. 4940)`);
    }
  });
  return ids;
}
