// The AcceleratedTlsGateway and its props.
export * from './props';
export * from './accelerated-tls-gateway';
