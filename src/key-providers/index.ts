// The provider kinds. A new kind is one file here (a ProviderBehaviour subclass), its factory on
// KeyProvider, its KeyProviderKind member and, when Envoy gets a provider config, its line below.
import { ProviderConfigType } from './behaviour';
import { CRYPTOMB_CONFIG_TYPE } from './cryptomb';
import { QAT_CONFIG_TYPE } from './qat';

export * from './behaviour';
export * from './cryptomb';
export * from './options';
export * from './qat';
export * from './software';

/** @internal Every accelerated provider's config identity: what the patch policy guard admits. */
export const PROVIDER_CONFIG_TYPES: readonly ProviderConfigType[] = [QAT_CONFIG_TYPE, CRYPTOMB_CONFIG_TYPE];
