export * from './snapshot.js';
export * from './protocol.js';
export * from './actions.js';
