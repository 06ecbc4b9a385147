import { InputError } from "../errors/domain-error.js";
import type { ApprovalRecord, ApprovalRoundEnd } from "./approval/approval-record.js";
import type { LinkedRun, RiskBand, ScopedService } from "./approval/approval-subject.js";
import type { ChangeState, ChangeType } from "./change-state.js";

/** The plan a change was made from, pinned by digest and the document generations it read. */
export interface PlanReference {
  readonly id: string;
  readonly digest: string;
  /** Document name → generation, e.g. `{ "Release/spring": 4, "Service/orders": 12 }`. */
  readonly generations: Readonly<Record<string, number>>;
}

/** The implementation window, as instants in epoch milliseconds, start inclusive, end exclusive. */
export interface ChangeWindow {
  readonly start: number;
  readonly end: number;
}

/** How the implementation went, in ServiceNow close-code terms; feeds the services' change history. */
export type ImplementationOutcome = "successful" | "successful-with-issues" | "unsuccessful";

/** The review an emergency change owes once implemented. */
export type Retrospective =
  | { readonly kind: "not-required" }
  | { readonly kind: "pending" }
  | { readonly kind: "open"; readonly openedAt: number }
  | {
      readonly kind: "completed";
      readonly openedAt: number;
      readonly completedAt: number;
      readonly by: string;
      readonly findings: readonly string[];
    };

/** One state change, kept so the change's own record tells its story. */
export interface ChangeStep {
  readonly at: number;
  readonly by: string;
  readonly from: ChangeState;
  readonly to: ChangeState;
  readonly note: string;
}

/** A change request: what is to change, where, when, and who has agreed to it. */
export interface ChangeRequest {
  /** `CHG-<n>`, assigned by the store. */
  readonly number: string;
  readonly type: ChangeType;
  readonly state: ChangeState;
  readonly environment: string;
  readonly release: string;
  readonly releaseAuthor: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly requestedBy: string;
  readonly runs: readonly LinkedRun[];
  readonly plan: PlanReference;
  readonly window: ChangeWindow | undefined;
  readonly scope: readonly ScopedService[];
  readonly riskBand: RiskBand | undefined;
  readonly riskScore: number | undefined;
  readonly approvalRound: number;
  readonly approvals: readonly ApprovalRecord[];
  readonly endedRounds: readonly ApprovalRoundEnd[];
  readonly outcome: ImplementationOutcome | undefined;
  readonly retrospective: Retrospective;
  readonly history: readonly ChangeStep[];
  readonly createdAt: number;
}

/** What a new change request is made from. */
export interface NewChangeRequest {
  readonly number: string;
  readonly type: ChangeType;
  readonly environment: string;
  readonly release: string;
  readonly releaseAuthor?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly requestedBy: string;
  readonly plan: PlanReference;
  readonly window?: ChangeWindow;
  readonly scope: readonly ScopedService[];
}

const CHANGE_NUMBER = /^CHG-[1-9]\d*$/;

/** A change request in state New; throws when the number is not `CHG-<n>` or the window is empty. */
export function newChangeRequest(input: NewChangeRequest, at: number): ChangeRequest {
  if (!CHANGE_NUMBER.test(input.number))
    throw new InputError(
      "change.number",
      `a change number is CHG-<n>, such as CHG-42, not "${input.number}"`,
    );
  if (input.window !== undefined && input.window.end <= input.window.start) {
    throw new InputError("change.window", "the change window must end after it starts");
  }
  return {
    number: input.number,
    type: input.type,
    state: "New",
    environment: input.environment,
    release: input.release,
    releaseAuthor: input.releaseAuthor,
    labels: input.labels ?? {},
    requestedBy: input.requestedBy,
    runs: [],
    plan: input.plan,
    window: input.window,
    scope: input.scope,
    riskBand: undefined,
    riskScore: undefined,
    approvalRound: 1,
    approvals: [],
    endedRounds: [],
    outcome: undefined,
    retrospective: input.type === "emergency" ? { kind: "pending" } : { kind: "not-required" },
    history: [],
    createdAt: at,
  };
}
