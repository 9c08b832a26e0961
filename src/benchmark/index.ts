// The in-cluster handshake benchmark and the post-deploy handshake check.
export * from './benchmark-props';
export * from './handshake-benchmark';
export * from './handshake-check';
