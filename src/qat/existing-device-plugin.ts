// A QAT device plugin installed outside the app: what a QAT gateway needs to know of it.
import { IConstruct } from 'constructs';
import { defaultQatNodeSelector } from './labels';
import { AppRegistry, ConstructType } from '../core/app-registry';
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

/** @internal What the app knows of its QAT device plugin: the resources it advertises, and where. */
export interface QatPluginFacts {
  readonly resourceNames: string[];
  readonly nodeSelector: { [key: string]: string };
}

/** The declared installs, by app (the registry keys the app's constructs; this is no construct). */
const DECLARED = new WeakMap<AppRegistry, QatPluginFacts & { readonly path: string }>();

/**
 * @internal Records the declaration of an installed plugin (`QatDevicePlugin.useExisting`):
 * `plugin` is the construct class, which the app then may not have.
 */
export function declareExistingQatPlugin(scope: IConstruct, plugin: ConstructType<IConstruct>, props: ExistingQatDevicePluginProps = {}): void {
  const reg = AppRegistry.of(scope);
  const earlier = DECLARED.get(reg);
  if (earlier) throw ruleError('ATLS-APP002', scope, 'useExisting', `${earlier.path || 'the app'} already declared the installed QAT device plugin`);
  const resourceNames = props.resourceNames ?? ['qat.intel.com/cy'];
  if (!Array.isArray(resourceNames) || resourceNames.length === 0) {
    throw ruleError('ATLS-QAT002', scope, 'resourceNames', 'list at least one resource the plugin advertises');
  }
  resourceNames.forEach((r, i) => checkResourceName(scope, 'ATLS-QAT002', `resourceNames[${i}]`, r));
  const nodeSelector = props.nodeSelector ?? defaultQatNodeSelector();
  checkLabelMap(scope, 'ATLS-QAT002', 'nodeSelector', nodeSelector);
  reg.claimExisting(plugin, scope, 'useExisting');
  DECLARED.set(reg, { resourceNames: [...resourceNames], nodeSelector: { ...nodeSelector }, path: scope.node.path });
}

/** @internal The installed plugin the app declared, if it did. */
export function existingQatPlugin(reg: AppRegistry): QatPluginFacts | undefined {
  return DECLARED.get(reg);
}
