/** Fencing readiness: checks that every node can be fenced, without fencing anything. */
export { analyzeFencing, fenceNodes, FENCING_OPTION_DEFAULTS, type FenceInputs } from './analyze.js';
export { runFenceCheck, fenceCheckHandler, scrubSecrets, cleanToolText, type FenceCheckOptions } from './collect.js';
export {
  agentStdin,
  configTargets,
  effectiveHostCheck,
  ipmiTarget,
  IPMI_AGENTS,
  type IpmiTarget,
} from './device-params.js';
export { parseStonithAdmin, statusText, type StonithAnswer, type StonithStatus } from './parse-stonith-admin.js';
export { toFenceDeviceRows, toFenceNodeRows, type FenceDeviceRow, type FenceNodeRow } from './rows.js';
export type * from './types.js';
