export * from './versions';
export * from './rules';
export * from './key-provider';
export * from './tls-certificate';
export * from './envoy-gateway-config';
export * from './accelerated-tls-gateway';
export * from './node-feature-discovery';
