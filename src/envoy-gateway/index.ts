// Envoy Gateway itself: its configuration and the EnvoyPatchPolicy guard.
export * from './config';
export * from './patch-policy-guard';
