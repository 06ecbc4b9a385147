import type { ChangeType } from "../change-state.js";
import type { ApprovalRecord } from "./approval-record.js";

/** Risk bands as Policy documents name them. */
export type RiskBand = "low" | "moderate" | "high" | "very-high";

/** A run executing the change, and who started it (barred from approving). */
export interface LinkedRun {
  readonly runId: string;
  readonly startedBy: string;
}

/** A service in a change's scope, with what approval rules match on. */
export interface ScopedService {
  readonly name: string;
  readonly tier: number | undefined;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * What approval evaluation needs to know about a change. A ChangeRequest is one; keeping this
 * narrow lets approvals be evaluated (and tested) without a whole change.
 */
export interface ApprovalSubject {
  readonly number: string;
  readonly type: ChangeType;
  readonly environment: string;
  readonly scope: readonly ScopedService[];
  /** The release's labels. */
  readonly labels: Readonly<Record<string, string>>;
  readonly riskBand: RiskBand | undefined;
  readonly requestedBy: string;
  readonly releaseAuthor: string | undefined;
  /** Runs of the change, with who started each. */
  readonly runs: readonly LinkedRun[];
  readonly approvalRound: number;
  readonly approvals: readonly ApprovalRecord[];
}
