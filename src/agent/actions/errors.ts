/**
 * Typed action errors. Every refusal has a stable `code` (for scripts and the protocol) and its own
 * process exit code (for `pcmk`). Where Pacemaker has an exit code with the same meaning
 * (crm_error -X), it is reused: 105 no such resource, 106 no quorum, 108 already active,
 * 109 several locations, 113 unsatisfiable, 124 timeout, 102 not connected. The table is
 * documented in README.md next to this file; a unit test checks the two agree.
 */
import type { PlacementCause } from '../../model/placement.js';

export const EXIT_CODES = {
  'invalid-request': 64,
  'invalid-id': 65,
  'unknown-node': 80,
  'node-offline': 81,
  'node-standby': 82,
  'node-unclean': 83,
  'node-maintenance': 84,
  'node-banned': 85,
  'resource-unmanaged': 86,
  'clone-instance': 87,
  'not-active': 88,
  'simulation-failed': 89,
  'target-not-reached': 90,
  'read-only': 91,
  'step-failed': 1,
  'cluster-unreachable': 102,
  'unknown-resource': 105,
  'no-quorum': 106,
  'already-active': 108,
  'multiple-active': 109,
  'blocked-by-constraint': 113,
  'wait-timeout': 124,
} as const;

export type ActionErrorCode = keyof typeof EXIT_CODES;

/** Why a move cannot reach its target: one constraint (or node state) and what it does. */
export type Blocker = PlacementCause;

export interface ActionErrorDetails {
  /** Nearest existing names for an unknown resource or node. */
  suggestions?: string[];
  /** Constraints that make a move impossible. */
  blockers?: Blocker[];
  /** The constraint or resource the error is about, when there is one. */
  subject?: string;
  [key: string]: unknown;
}

export class ActionError extends Error {
  readonly code: ActionErrorCode;
  readonly exitCode: number;
  readonly details: ActionErrorDetails;

  constructor(code: ActionErrorCode, message: string, details: ActionErrorDetails = {}) {
    super(message);
    this.name = 'ActionError';
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.details = details;
  }

  toJSON(): { code: ActionErrorCode; exitCode: number; message: string; details: ActionErrorDetails } {
    return { code: this.code, exitCode: this.exitCode, message: this.message, details: this.details };
  }
}

export function isActionError(e: unknown): e is ActionError {
  return e instanceof ActionError;
}
