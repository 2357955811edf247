// The OpenMV Protocol wire format: pure TypeScript on Uint8Array, no Node APIs.
export * from './constants';
export * from './crc';
export * from './packet';
export * from './parser';
export * from './payloads';
export * from './link';
