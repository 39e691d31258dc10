/** Safe cluster actions: validation, plans, crm_simulate previews, execution and the audit log. */
export { ActionError, EXIT_CODES, isActionError, type ActionErrorCode, type ActionErrorDetails, type Blocker } from './errors.js';
export { isSafeId, unsafeIdReason, editDistance, suggestNames } from './ids.js';
export { ACTION_NAMES, READ_ONLY_ACTIONS, type Action, type ActionName, type ActionOf } from '../../model/actions.js';
export { parseActionRequest, isIsoDuration } from './request.js';
export {
  planAction,
  validateAction,
  planMove,
  validateMove,
  planBan,
  validateBan,
  planClear,
  validateClear,
  planCleanup,
  validateCleanup,
  planRefresh,
  validateRefresh,
  planFailcountReset,
  validateFailcountReset,
  showFailcounts,
  planStandby,
  validateStandby,
  planResourceMaintenance,
  planNodeMaintenance,
  planClusterMaintenance,
  planFence,
  planEnableDisable,
  validateEnableDisable,
  planRestart,
  validateRestart,
  checkReachable,
  checkQuorum,
  isReadOnlyAction,
  DEFAULT_WAIT_SECONDS,
  type ActionPlan,
  type PlanStep,
  type PlanOptions,
  type SimulationSpec,
  type WaitCondition,
  type StepCondition,
  type FailcountRow,
} from './plan.js';
export { explainBlockers, formatBlockers, placementUnit } from './blockers.js';
export {
  parseTransitionSummary,
  parseTransitionLine,
  transitionSummaryLines,
  diffTransitions,
  parseAllocationScores,
  parseLocate,
  formatTransition,
  type TransitionAction,
  type TransitionSummary,
  type TransitionVerb,
  type AllocationScores,
} from './transition.js';
export { conditionHolds, describeCondition } from './conditions.js';
export { scoreValue, baseResourceId } from '../../model/values.js';
export { previewPlan, finalizePlan, checkMoveBack, previewLines, queryCib, Workspace, type Preview, type PreviewOptions } from './preview.js';
export { executePlan, type ExecuteOptions, type ExecutionResult, type StepOutcome, type StepStatus } from './execute.js';
export { appendAuditLog, readAuditLog, auditEntry, defaultAuditPath, auditUser, type AuditEntry } from './audit.js';
export { handleAction, type HandleOptions, type ActionResponse } from './handle.js';
export { handleWhy, parseWhyRequest, type WhyRequest, type WhyResponse } from './why.js';
