/**
 * SSH connections with ssh2, by stage: the config is resolved (../ssh-config.ts), the host reached
 * through its jump hosts (connect.ts), the handshake checks the host key and authenticates
 * (handshake.ts, auth.ts), commands run on bounded session channels (connection.ts, channels.ts)
 * as killable processes (process.ts, command.ts), and connections are pooled per run (pool.ts).
 */
export * from './command.js';
export * from './options.js';
export { orderHostKeyAlgorithms } from './handshake.js';
export { ChannelSlots } from './channels.js';
export { channelExit, RemoteProcess, type PidSignaller, type ProcessExit } from './process.js';
export { SshConnection, type OpenOptions } from './connection.js';
export { connectResolved, resolveJump, type ConnectContext } from './connect.js';
export { SshPool } from './pool.js';
export { connectHeld, holderStatus, stopHolder, startHolder, HeldClient, type ReuseOptions } from './held-client.js';
export { Holder, DEFAULT_IDLE_MS } from './holder.js';
export { defaultReuseDir, ensurePrivateDir, privateDirProblem, ReuseDirError, socketPath } from './reuse-dir.js';
export { reuseKey, planRoute, heldSettings, fileDigest } from './reuse-key.js';
