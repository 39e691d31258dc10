export * from './errors.js';
export * from './ssh-config.js';
export * from './known-hosts.js';
export * from './ssh/index.js';
export * from './ssh-tool-runner.js';
export * from './agent-client.js';
export * from './connect-agent.js';
export * from './host-source.js';
