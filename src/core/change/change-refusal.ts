import type { ApproverRefusal } from "./approval/check-approver.js";
import type { ChangeState } from "./change-state.js";

/** Why an event was refused; `message` says what to do instead. */
export type ChangeRefusal =
  | { readonly kind: "terminal"; readonly state: ChangeState; readonly message: string }
  | {
      readonly kind: "not-on-path";
      readonly from: ChangeState;
      readonly to: ChangeState;
      readonly next: ChangeState | undefined;
      readonly message: string;
    }
  | {
      readonly kind: "wrong-state";
      readonly state: ChangeState;
      readonly allowed: readonly ChangeState[];
      readonly message: string;
    }
  | { readonly kind: "risk-not-assessed"; readonly message: string }
  | { readonly kind: "window-required"; readonly message: string }
  | { readonly kind: "outside-window"; readonly message: string }
  | { readonly kind: "not-authorized"; readonly stillNeeded: readonly string[]; readonly message: string }
  | { readonly kind: "approver-refused"; readonly refusal: ApproverRefusal; readonly message: string }
  | { readonly kind: "comment-required"; readonly message: string }
  | { readonly kind: "nothing-changed"; readonly message: string }
  | { readonly kind: "invalid-edit"; readonly message: string }
  | { readonly kind: "retrospective-open"; readonly message: string }
  | { readonly kind: "findings-required"; readonly message: string }
  | { readonly kind: "no-retrospective"; readonly message: string }
  | { readonly kind: "use-finish-implementation"; readonly message: string };
