// Node Feature Discovery and the node rules built on it.
export * from './props';
export * from './node-feature-discovery';
export * from './worker-config';
export * from './crypto-mb-affinity';
