// Intel QAT: the device plugin, its services, and node preparation.
export * from './services';
export * from './device-plugin-props';
export * from './device-plugin';
export * from './plugin-options';
export { ExistingQatDevicePluginProps } from './existing-device-plugin';
export * from './host-prep';
export * from './node-prep';
