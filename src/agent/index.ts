/** Public API of the agent for embedding: `import { collectSnapshot, createAgent } from 'pcmk-console/agent'`. */
export * from '../model/index.js';
export { createAgent, fingerprint, type Agent, type AgentOptions, type WatchOptions } from './agent.js';
export { collectSnapshot, collectRaw, CRM_MON_ARGS, LEGACY_CRM_MON_ARGS, NOT_COLLECTED_FOR_STATUS, type CollectOptions, type ReadScope } from './collect.js';
export { buildSnapshot, parseCibVersion, captured, mergeTrees, hasClusterState, type RawOutputs, type ToolResult } from './snapshot.js';
export { LocalToolRunner, ToolError, toolErrorMessage, canStream, type ToolRunner, type ToolOutput, type RunOptions, type StreamingToolRunner } from './run-tool.js';
export { serve, parseRequest, AGENT_VERSION, type ServeHandlers } from './serve.js';
