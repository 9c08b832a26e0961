// Where QAT pods land: a leaf, so the key providers place their pods on the plugin's nodes
// without importing the plugin construct.

/** @internal NFD label of a node ready for the QAT device plugin (`QatDevicePlugin.READY_LABEL`). */
export const QAT_READY_LABEL = 'intel.feature.node.kubernetes.io/qat';

/** @internal The QAT device plugin's node selector when none is given. */
export function defaultQatNodeSelector(): Record<string, string> {
  return { [QAT_READY_LABEL]: 'true', 'kubernetes.io/arch': 'amd64' };
}
