export * from './text.js';
export * from './resources.js';
export * from './nodes.js';
export * from './events.js';
export * from './constraints.js';
export * from './why.js';
