// A QAT device plugin installed outside the app: what a QAT gateway needs to know of it.
import { IConstruct } from 'constructs';
import { defaultQatNodeSelector } from './labels';
import { AppRegistry } from '../core/app-registry';
import { ruleError } from '../core/rules';
import { checkLabelMap, checkResourceName } from '../core/validation';

/** Props of `QatDevicePlugin.useExisting()`: what the installed plugin advertises, and where. */
export interface ExistingQatDevicePluginProps {
  /**
   * Extended resources the installed plugin advertises (`qat.intel.com/cy` for VFs configured
   * `sym;asym`). A QAT gateway must request one of them (ATLS-QAT001).
   * @default ['qat.intel.com/cy']
   */
  readonly resourceNames?: string[];
  /**
   * Node selector of the installed plugin's pods: where QAT VFs are advertised, so where QAT
   * gateways land and where a `KeyProvider.software({ onQatNodes: true })` baseline is placed.
   * @default `intel.feature.node.kubernetes.io/qat: 'true'` and `kubernetes.io/arch: amd64`
   */
  readonly nodeSelector?: { [key: string]: string };
}

/** @internal Registry key of the declaration (the app's plugin, explicit or declared, is one). */
export const EXISTING_QAT_PLUGIN = 'QatDevicePlugin.useExisting';

/** @internal Records the declaration of an installed plugin (`QatDevicePlugin.useExisting`). */
export function declareExistingQatPlugin(scope: IConstruct, singleton: string, props: ExistingQatDevicePluginProps = {}): void {
  const reg = AppRegistry.of(scope);
  const existing = reg.singletons.get(singleton);
  if (existing) throw ruleError('ATLS-APP002', scope, 'useExisting', `the app already has QatDevicePlugin at ${existing.node.path}`);
  if (reg.singletons.has(EXISTING_QAT_PLUGIN)) {
    throw ruleError('ATLS-APP002', scope, 'useExisting', `${reg.singletons.get(EXISTING_QAT_PLUGIN)!.node.path} already declared the installed QAT device plugin`);
  }
  const resourceNames = props.resourceNames ?? ['qat.intel.com/cy'];
  if (!Array.isArray(resourceNames) || resourceNames.length === 0) {
    throw ruleError('ATLS-QAT002', scope, 'resourceNames', 'list at least one resource the plugin advertises');
  }
  resourceNames.forEach((r, i) => checkResourceName(scope, 'ATLS-QAT002', `resourceNames[${i}]`, r));
  const nodeSelector = props.nodeSelector ?? defaultQatNodeSelector();
  checkLabelMap(scope, 'ATLS-QAT002', 'nodeSelector', nodeSelector);
  reg.singletons.set(EXISTING_QAT_PLUGIN, scope);
  reg.qatResources = [...resourceNames];
  reg.qatNodeSelector = { ...nodeSelector };
}

/** @internal Why the app cannot have a QatDevicePlugin construct (it declared one installed), if so. */
export function existingQatPluginDeclared(reg: AppRegistry): string | undefined {
  const at = reg.singletons.get(EXISTING_QAT_PLUGIN);
  return at ? `${at.node.path || 'the app'} declared it installed (useExisting)` : undefined;
}
