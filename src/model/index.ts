export * from './snapshot.js';
export * from './protocol.js';
