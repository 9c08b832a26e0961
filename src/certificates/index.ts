// TLS certificates and their key algorithms.
export * from './key-algorithm';
export * from './tls-certificate';
