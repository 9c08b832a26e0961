// CEL of the EnvoyPatchPolicyGuard. Plain CEL (standard macros and functions only), so it
// compiles on every Kubernetes the library supports; test/envoy-gateway/cel evaluates it with cel-go.

import { COPY_TARGET, KEY_PATH, PROVIDER_PATH, SECRET_TYPE as SECRET } from './patch-shape';
import { PROVIDER_CONFIG_TYPES } from '../key-providers/config-types';

/** @internal one ValidatingAdmissionPolicy validation. */
export interface GuardValidation {
  readonly expression: string;
  readonly message: string;
  readonly reason: string;
}

const o = 'p.operation';
// Envoy Gateway's CRD gives `operation.value` no type (only x-kubernetes-preserve-unknown-fields),
// so the apiserver's type checker knows no field `value`: reach it through dyn().
const od = `dyn(${o})`;
const hasValue = `'value' in ${od}`;
const v = `${od}.value`;
const tc = `${v}.typed_config`;
const pk = `${tc}.private_key`;
const valueIsMap = `${hasValue} && type(${v}) == map`;
const configIsMap = `${valueIsMap} && has(${tc}) && type(${tc}) == map`;

/**
 * Conditions every item `p` of `spec.jsonPatches` must meet, one per message. Shape checks of
 * the add value pass when an earlier condition already denies the patch, so each denial names
 * its cause; every condition is false, never an error, on schema-valid input.
 */
const PATCH_CONDITIONS: Array<[string, string]> = [
  [`p.type == '${SECRET}'`,
    'every patch must target an xDS Secret (type ...tls.v3.Secret): Listener, RouteConfiguration, Cluster and ClusterLoadAssignment patches are denied'],
  [`!has(${o}.jsonPath)`,
    'jsonPath is denied: it selects fields by query instead of the fixed private key provider paths'],
  [`${o}.op in ['add', 'copy']`,
    'op must be add or copy: remove, replace, move and test are denied'],
  [`${o}.op != 'add' || (has(${o}.path) && ${o}.path == '${PROVIDER_PATH}' && !has(${o}.from))`,
    `an add must have path ${PROVIDER_PATH} (and no from)`],
  [`${o}.op != 'add' || (${configIsMap} && ${v}.all(k, k in ['provider_name', 'typed_config', 'fallback'])`
    + ` && has(${v}.provider_name) && '@type' in ${tc}`
    + ` && (${PROVIDER_CONFIG_TYPES.map((t) => `(${v}.provider_name == '${t.providerName}' && ${tc}['@type'] == '${t.typeUrl}')`).join(' || ')}))`,
  `an add value must be a private key provider: provider_name ${PROVIDER_CONFIG_TYPES.map((t) => t.providerName).join(' or ')}, typed_config with the matching @type, optional fallback, nothing else`],
  [`${o}.op != 'add' || !(${configIsMap}) || (${tc}.all(k, k in ['@type', 'private_key', 'poll_delay'])`
    + ` && (!has(${pk}) || (type(${pk}) == map && ${pk}.all(k, k == 'inline_string') && (!has(${pk}.inline_string) || type(${pk}.inline_string) == string)))`
    + ` && (!has(${tc}.poll_delay) || (type(${tc}.poll_delay) == string && ${tc}.poll_delay.matches('^[0-9]{1,9}([.][0-9]{1,9})?s$')`
    + ` && duration(${tc}.poll_delay) >= duration('1ms'))))`,
  'typed_config may hold only @type, private_key as an inline_string placeholder (the copy replaces it; a filename could read any file of the Envoy pod) and poll_delay of at least 1ms written like 0.001s'],
  [`${o}.op != 'add' || !(${valueIsMap}) || !has(${v}.fallback) || type(${v}.fallback) == bool`,
    'fallback must be a boolean'],
  [`${o}.op != 'copy' || (has(${o}.from) && ${o}.from == '${KEY_PATH}' && has(${o}.path) && ${o}.path == '${COPY_TARGET}' && !(${hasValue}))`,
    `a copy must go from ${KEY_PATH} to ${COPY_TARGET}`],
];

/**
 * @internal The guard's validations. `allowedPatches` are CEL conditions over `p` (one item of
 * `spec.jsonPatches`, with `object` in scope) admitting a patch the built-in conditions deny.
 */
export function guardValidations(allowedPatches: string[]): GuardValidation[] {
  const extra = allowedPatches.map((e) => `(${e}) || `).join('');
  return [
    { expression: "object.spec.type == 'JSONPatch'", message: 'spec.type must be JSONPatch', reason: 'Invalid' },
    ...PATCH_CONDITIONS.map(([cond, message]) => ({
      expression: `!has(object.spec.jsonPatches) || object.spec.jsonPatches.all(p, ${extra}(${cond}))`,
      message: `EnvoyPatchPolicy guard (CVE-2026-22771): ${message}`,
      reason: 'Forbidden',
    })),
  ];
}
