import type { RiskBand, ScopedService } from "./approval/approval-subject.js";
import type { ChangeWindow, ImplementationOutcome, PlanReference } from "./change-request.js";
import type { ChangeState } from "./change-state.js";

/** Something a person or the engine asks of a change. `by` is the acting identity (`system` for the engine). */
export type ChangeEvent =
  /** Move forward along the type's path, e.g. New → Assess, Scheduled → Implement, Review → Closed. */
  | { readonly kind: "advance"; readonly by: string; readonly to: ChangeState }
  | { readonly kind: "assess-risk"; readonly by: string; readonly band: RiskBand; readonly score: number }
  | { readonly kind: "approve"; readonly by: string; readonly comment?: string }
  | { readonly kind: "reject"; readonly by: string; readonly comment: string }
  | {
      readonly kind: "edit";
      readonly by: string;
      readonly plan?: PlanReference;
      readonly window?: ChangeWindow;
      readonly scope?: readonly ScopedService[];
    }
  | { readonly kind: "link-run"; readonly by: string; readonly runId: string }
  | { readonly kind: "finish-implementation"; readonly by: string; readonly outcome: ImplementationOutcome }
  | { readonly kind: "complete-retrospective"; readonly by: string; readonly findings: readonly string[] }
  | { readonly kind: "revert-to-new"; readonly by: string; readonly reason: string }
  | { readonly kind: "cancel"; readonly by: string; readonly reason: string };

/** What else happened when an event was accepted, for notifications and the audit log. */
export type ChangeEffect =
  | { readonly kind: "approvals-invalidated"; readonly round: number; readonly changed: readonly string[] }
  | { readonly kind: "approvals-canceled"; readonly round: number; readonly reason: string }
  | { readonly kind: "authorized"; readonly approvedBy: readonly string[] }
  | { readonly kind: "retrospective-opened" };
