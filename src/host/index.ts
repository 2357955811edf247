// The host side of the OpenMV Protocol: transports, the protocol client, the camera API and helpers.
export * from './errors';
export * from './transport';
export * from './open-transport';
export * from './client';
export * from './camera';
export * from './device-summary';
export * from './config';
export * from './frames';
export * from './jpeg';
export * from './session';
export * from './ports';
export * from './boards';
export * from './stats';
export * from './bench';
// The domain types the host speaks (src/model), for users of this library.
export type {
  ChannelInfo,
  ConfigFieldSchema,
  ConfigSchema,
  ConfigValue,
  ConfigValues,
  ConnectionState,
  DeviceSummary,
  FrameMeta,
  HostStats,
  PortInfo,
} from '../model';
