// The domain vocabulary every layer speaks: pure TypeScript, no Node, no DOM, no other layer.
export * from './errors';
export * from './ports';
export * from './device';
export * from './connection';
export * from './cameras';
export * from './config';
export * from './config-schema';
export * from './frames';
export * from './stats';
export * from './csp';
export * from './snapshot-name';
export * from './sensor';
