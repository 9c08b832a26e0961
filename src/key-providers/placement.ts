import { IConstruct } from 'constructs';
import { ProviderFinding } from './behaviour';
import { NodePlacement } from './options';
import { AppRegistry } from '../core/app-registry';
import { checkEnum } from '../core/validation';
import { EnvoyProxySpecProviderKubernetesEnvoyDeploymentPodAffinity as PodAffinity } from '../imports/gateway.envoyproxy.io';
import { CryptoMbAffinity } from '../nfd/crypto-mb-affinity';
import { NodeFeatureDiscovery } from '../nfd/node-feature-discovery';
import { QatDevicePlugin } from '../qat/device-plugin';
import { existingQatPlugin, QatPluginFacts } from '../qat/existing-device-plugin';
import { defaultQatNodeSelector } from '../qat/labels';

/** The five NFD cpuid labels of the AVX-512 multi-buffer instructions CryptoMB needs. */
const CPUID_LABELS = ['AVX512F', 'AVX512DQ', 'AVX512BW', 'AVX512IFMA', 'AVX512VBMI2'].map((f) => `feature.node.kubernetes.io/cpu-cpuid.${f}`);

/**
 * @internal The node affinity to CryptoMB-capable nodes: our NodeFeatureRule's label when the
 * app has CryptoMbAffinity, else the raw cpuid labels. Undefined for no placement or ANY.
 */
export function cryptoMbAffinity(placement: NodePlacement | undefined, reg: AppRegistry): PodAffinity | undefined {
  if (placement === undefined || placement === NodePlacement.ANY) return undefined;
  const label = reg.lookup(CryptoMbAffinity)?.label;
  const matchExpressions = label
    ? [{ key: label, operator: 'In', values: ['true'] }]
    : CPUID_LABELS.map((key) => ({ key, operator: 'Exists' }));
  if (placement === NodePlacement.PREFERRED) {
    return { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions } }] } };
  }
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } };
}

/**
 * @internal Where QAT VFs are advertised, so where a QAT gateway's pods land: the nodes of the
 * app's QAT device plugin, else those with Intel's QAT readiness label.
 */
export function qatNodeSelector(reg: AppRegistry): Record<string, string> {
  return qatPlugin(reg)?.nodeSelector ?? defaultQatNodeSelector();
}

/**
 * @internal The app's QAT device plugin, as far as QAT gateways need it: its construct, else the
 * install it declared (`QatDevicePlugin.useExisting`); undefined when it has neither.
 */
export function qatPlugin(reg: AppRegistry): QatPluginFacts | undefined {
  return reg.lookup(QatDevicePlugin) ?? existingQatPlugin(reg);
}

/** @internal A placement prop must be a NodePlacement (jsii callers can pass any string). */
export function checkPlacement(scope: IConstruct, prop: string, placement: NodePlacement | undefined): void {
  if (placement !== undefined) checkEnum(scope, `${prop}.placement`, placement, NodePlacement);
}

/** @internal REQUIRED placement needs node labels somewhere in the app. */
export function placementFindings(placement: NodePlacement | undefined, reg: AppRegistry): ProviderFinding[] {
  if (placement !== NodePlacement.REQUIRED) return [];
  if (reg.lookup(NodeFeatureDiscovery) || reg.isExisting(NodeFeatureDiscovery) || reg.lookup(CryptoMbAffinity)) return [];
  return [{
    ruleId: 'ATLS-AFF001',
    prop: 'placement',
    detail: 'REQUIRED placement needs node labels: add CryptoMbAffinity to the app (or declare an existing NodeFeatureDiscovery), or place it PREFERRED or ANY',
  }];
}

/**
 * @internal ATLS-QAT003: pods placed on QAT nodes in an app with no QAT device plugin, neither a
 * construct nor one declared installed (`QatDevicePlugin.useExisting`).
 */
export function missingQatPlugin(prop: string, what: string): ProviderFinding {
  return {
    ruleId: 'ATLS-QAT003',
    prop,
    detail: `the app has no QAT device plugin (${what}): on a cluster without Intel's plugin the Envoy pods stay Pending; `
      + 'add QatNodePrep (or QatDevicePlugin) to the app, or declare the installed one with QatDevicePlugin.useExisting(scope, { resourceNames, nodeSelector })',
  };
}
