// The EnvoyPatchPolicy that installs a gateway's key provider on each certificate's xDS Secret.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { secretKey, ResolvedListener } from './gateway-listeners';
import { GatewayIdentity, GW_GROUP } from './gateway-routes';
import {
  EnvoyPatchPolicy, EnvoyPatchPolicySpecJsonPatchesOperationOp as Op, EnvoyPatchPolicySpecJsonPatchesType, EnvoyPatchPolicySpecType,
} from './imports/gateway.envoyproxy.io';
import { ProviderPatchValue } from './key-providers';

// What the policy patches, which the guard's CEL (patch-policy-cel.ts) admits and nothing else.
/** @internal the xDS type of the patched resource. */
// eslint-disable-next-line @stylistic/max-len
export const SECRET_TYPE = EnvoyPatchPolicySpecJsonPatchesType.TYPE_PERIOD_GOOGLEAPIS_PERIOD_COM_FORWARD_SLASH_ENVOY_PERIOD_EXTENSIONS_PERIOD_TRANSPORT_UNDERSCORE_SOCKETS_PERIOD_TLS_PERIOD_V3_PERIOD_SECRET;
/** @internal where the provider is added. */
export const PROVIDER_PATH = '/tls_certificate/private_key_provider';
/** @internal the Secret's own key, copied into the provider's config. */
export const KEY_PATH = '/tls_certificate/private_key';
/** @internal where the key is copied to. */
export const COPY_TARGET = `${PROVIDER_PATH}/typed_config/private_key`;

/**
 * @internal Two patches per distinct Secret: add the provider (with a placeholder key), then
 * copy the Secret's own key into it, so the policy carries no key material. Under
 * mergeGateways the policy targets the GatewayClass (Envoy Gateway's rule for merged fleets).
 */
export function addKeyProviderPolicy(scope: Construct, gw: GatewayIdentity & { readonly mergeGateways: boolean },
  listeners: ResolvedListener[], value: ProviderPatchValue): ApiObject {
  const secrets = [...new Set(listeners.map(secretKey))];
  return new EnvoyPatchPolicy(scope, 'KeyProviderPolicy', {
    metadata: { name: `${gw.name}-key-provider`, namespace: gw.namespace },
    spec: {
      targetRef: gw.mergeGateways
        ? { group: GW_GROUP, kind: 'GatewayClass', name: gw.gatewayClassName }
        : { group: GW_GROUP, kind: 'Gateway', name: gw.name },
      type: EnvoyPatchPolicySpecType.JSON_PATCH,
      jsonPatches: secrets.flatMap((name) => [
        { type: SECRET_TYPE, name, operation: { op: Op.ADD, path: PROVIDER_PATH, value } },
        { type: SECRET_TYPE, name, operation: { op: Op.COPY, from: KEY_PATH, path: COPY_TARGET } },
      ]),
    },
  });
}
