// The in-cluster handshake benchmark.
export * from './handshake-benchmark';
