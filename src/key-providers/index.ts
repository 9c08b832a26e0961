// The private key providers: `KeyProvider`'s factories and options (one file per kind).
export * from './options';
export * from './key-provider';
