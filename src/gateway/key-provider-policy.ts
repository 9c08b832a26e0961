// The EnvoyPatchPolicy that installs a gateway's key provider on each certificate's xDS Secret.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { secretKey, ResolvedListener } from './listeners';
import { GatewayIdentity, GW_GROUP } from './routes';
import { COPY_TARGET, KEY_PATH, PROVIDER_PATH, SECRET_TYPE } from '../envoy-gateway/patch-shape';
import { EnvoyPatchPolicy, EnvoyPatchPolicySpecJsonPatchesOperationOp as Op, EnvoyPatchPolicySpecType } from '../imports/gateway.envoyproxy.io';
import { ProviderPatchValue } from '../key-providers/behaviour';

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
