// The shape of the key provider patch: what the gateway's EnvoyPatchPolicy patches
// (gateway/key-provider-policy.ts), which the guard's CEL (patch-policy-cel.ts) admits and nothing
// else. A leaf, so the policy and the guard share it without importing each other.
import { EnvoyPatchPolicySpecJsonPatchesType } from '../imports/gateway.envoyproxy.io';

/** @internal the xDS type of the patched resource. */
// eslint-disable-next-line @stylistic/max-len
export const SECRET_TYPE = EnvoyPatchPolicySpecJsonPatchesType.TYPE_PERIOD_GOOGLEAPIS_PERIOD_COM_FORWARD_SLASH_ENVOY_PERIOD_EXTENSIONS_PERIOD_TRANSPORT_UNDERSCORE_SOCKETS_PERIOD_TLS_PERIOD_V3_PERIOD_SECRET;
/** @internal where the provider is added. */
export const PROVIDER_PATH = '/tls_certificate/private_key_provider';
/** @internal the Secret's own key, copied into the provider's config. */
export const KEY_PATH = '/tls_certificate/private_key';
/** @internal where the key is copied to. */
export const COPY_TARGET = `${PROVIDER_PATH}/typed_config/private_key`;
