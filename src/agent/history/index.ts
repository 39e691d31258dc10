/** Transition history: the scheduler inputs of a host, read with the real tools. */
export { collectHistory, listInputs, readInput, readNewestInput, selectWindow, showInput, historyHandler, PENGINE_DIR, DEFAULT_HISTORY_LIMIT, type HistoryReadOptions, type ReadInput } from './collect.js';
export { parseListing, cibHeader, configIndex, configurationOf, inputFacts, unreadableInput, newestFirst } from './facts.js';
export { openOffline, findInputDirs, type OfflineDir, type OfflineSource } from './offline.js';
