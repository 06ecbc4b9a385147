import type { PolicySpec } from "../../documents/kinds/policy.js";

/** One approval rule of a Policy document. */
export type ApprovalRule = NonNullable<PolicySpec["approvals"]>["rules"][number];

/** `any`, `all`, a number of members, or a percentage such as `"50%"` of the group's members. */
export type Quorum = NonNullable<ApprovalRule["groups"][number]["quorum"]>;

/** Everything approval evaluation needs besides the change: policy rules and who is in which group. */
export interface ApprovalSetup {
  readonly rules: readonly ApprovalRule[];
  /** Group name → member identities (from token `groups`). */
  readonly groupMembers: Readonly<Record<string, readonly string[]>>;
  /** Policy `emergency.approverGroups`: the only groups that may approve an emergency change. */
  readonly emergencyApproverGroups: readonly string[] | undefined;
  /** Environment `protection.approvalGroups`: asked (quorum any) when no rule matches. */
  readonly environmentGroups: readonly string[] | undefined;
}

/** Builds the setup from a Policy spec, the group directory and the environment's protection groups. */
export function approvalSetupFromPolicy(
  policy: PolicySpec,
  groupMembers: Readonly<Record<string, readonly string[]>>,
  environmentGroups?: readonly string[],
): ApprovalSetup {
  return {
    rules: policy.approvals?.rules ?? [],
    groupMembers,
    emergencyApproverGroups: policy.emergency?.approverGroups,
    environmentGroups,
  };
}
