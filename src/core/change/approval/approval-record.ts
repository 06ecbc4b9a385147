/** One approver's decision, kept forever; only the current round's decisions count. */
export interface ApprovalRecord {
  readonly by: string;
  readonly decision: "approved" | "rejected";
  /** Epoch milliseconds. */
  readonly at: number;
  readonly comment: string | undefined;
  /** The approval round it belongs to; a revert, rejection or edit starts a new round. */
  readonly round: number;
  /** The groups it was given for (the approver's groups still needed at the time). */
  readonly groups: readonly string[];
  readonly level: number;
}

/** Why an approval round ended: what an auditor reads next to the approvals it voided. */
export type ApprovalRoundEnd =
  | {
      readonly kind: "invalidated";
      readonly round: number;
      readonly at: number;
      readonly by: string;
      readonly changed: readonly string[];
    }
  | {
      readonly kind: "rejected";
      readonly round: number;
      readonly at: number;
      readonly by: string;
      readonly comment: string;
    }
  | {
      readonly kind: "reverted";
      readonly round: number;
      readonly at: number;
      readonly by: string;
      readonly reason: string;
    }
  | {
      readonly kind: "canceled";
      readonly round: number;
      readonly at: number;
      readonly by: string;
      readonly reason: string;
    };
