export * from './snapshot.js';
export * from './protocol.js';
export * from './actions.js';
export * from './values.js';
export * from './time.js';
export * from './resource-index.js';
