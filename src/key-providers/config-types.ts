// The accelerated providers' identities in Envoy's config: a leaf, so the patch policy guard's
// CEL admits exactly what the providers emit without importing the providers themselves.

/**
 * @internal An accelerated provider's identity in Envoy's config: the `provider_name` and the
 * `@type` of its typed config. The gateway emits it and the patch policy guard admits it.
 */
export interface ProviderConfigType {
  readonly providerName: string;
  readonly typeUrl: string;
}

/** @internal Envoy's contrib `qat` provider. */
export const QAT_CONFIG_TYPE: ProviderConfigType = {
  providerName: 'qat',
  typeUrl: 'type.googleapis.com/envoy.extensions.private_key_providers.qat.v3alpha.QatPrivateKeyMethodConfig',
};

/** @internal Envoy's contrib `cryptomb` provider. */
export const CRYPTOMB_CONFIG_TYPE: ProviderConfigType = {
  providerName: 'cryptomb',
  typeUrl: 'type.googleapis.com/envoy.extensions.private_key_providers.cryptomb.v3alpha.CryptoMbPrivateKeyMethodConfig',
};

/** @internal Every accelerated provider's config identity: what the patch policy guard admits. */
export const PROVIDER_CONFIG_TYPES: readonly ProviderConfigType[] = [QAT_CONFIG_TYPE, CRYPTOMB_CONFIG_TYPE];
