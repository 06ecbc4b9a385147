import { describe, expect, it } from "vitest";
import type { ApprovalRecord } from "./approval-record.js";
import type { ApprovalRule, ApprovalSetup } from "./approval-setup.js";
import type { ApprovalSubject } from "./approval-subject.js";
import { checkApprover } from "./check-approver.js";
import { evaluateApprovals } from "./evaluate-approvals.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 0, 4, 9);

const members = {
  "app-owners": ["alice", "bob", "carol"],
  cab: ["dave", "erin", "frank", "grace"],
  security: ["sam"],
  "oncall-lead": ["olga"],
};

function subject(over: Partial<ApprovalSubject> = {}): ApprovalSubject {
  return {
    number: "CHG-7",
    type: "normal",
    environment: "prod",
    scope: [{ name: "orders", tier: 1, labels: { team: "commerce" } }],
    labels: {},
    riskBand: "moderate",
    requestedBy: "alice",
    releaseAuthor: "bob",
    runs: [],
    approvalRound: 1,
    approvals: [],
    ...over,
  };
}

function setup(rules: ApprovalRule[], over: Partial<ApprovalSetup> = {}): ApprovalSetup {
  return {
    rules,
    groupMembers: members,
    emergencyApproverGroups: undefined,
    environmentGroups: undefined,
    ...over,
  };
}

const approval = (
  by: string,
  groups: string[],
  at = T0,
  over: Partial<ApprovalRecord> = {},
): ApprovalRecord => ({
  by,
  decision: "approved",
  at,
  comment: undefined,
  round: 1,
  groups,
  level: 0,
  ...over,
});

const prodRule: ApprovalRule = {
  name: "prod",
  match: { environments: ["prod"] },
  groups: [
    { name: "app-owners", quorum: "any", level: 0 },
    { name: "cab", quorum: "50%", level: 1 },
  ],
};

describe("evaluateApprovals", () => {
  it("asks level 0 first, then level 1, and authorizes when every quorum is met", () => {
    const s = setup([prodRule]);
    const first = evaluateApprovals(subject(), s, T0);
    expect(first.authorized).toBe(false);
    expect(first.currentLevel).toBe(0);
    expect(first.stillNeeded.map((g) => g.group)).toEqual(["app-owners"]);
    // alice requested and bob wrote the release: only carol may approve for app-owners
    expect(first.mayApprove).toEqual(["carol"]);
    expect(first.groups.find((g) => g.group === "cab")?.status).toBe("waiting");

    const second = evaluateApprovals(subject({ approvals: [approval("carol", ["app-owners"])] }), s, T0);
    expect(second.currentLevel).toBe(1);
    expect(second.mayApprove).toEqual(["dave", "erin", "frank", "grace"]);
    expect(second.stillNeeded[0]?.explanation).toBe(
      "cab (level 1): 0 of 2 approvals (50% (2)); may approve: dave, erin, frank, grace",
    );

    const done = evaluateApprovals(
      subject({
        approvals: [approval("carol", ["app-owners"]), approval("dave", ["cab"]), approval("erin", ["cab"])],
      }),
      s,
      T0,
    );
    expect(done.authorized).toBe(true);
    expect(done.mayApprove).toEqual([]);
  });

  it("counts quorums: all eligible members, a number, and a percentage rounded up", () => {
    type Q = "all" | number | `${number}%`;
    const rule = (quorum: Q, name = "app-owners"): ApprovalRule => ({
      name: "r",
      groups: [{ name, quorum }],
    });
    const needed = (q: Q, group?: string) =>
      evaluateApprovals(subject(), setup([rule(q, group)]), T0).groups[0]?.needed;
    expect(needed("all")).toBe(1); // alice and bob are barred: "all" means all who may approve
    expect(needed("all", "cab")).toBe(4);
    expect(needed(3, "cab")).toBe(3);
    expect(needed("34%", "cab")).toBe(2); // 34% of 4 members is 1.36, rounded up
    expect(needed("1%", "cab")).toBe(1);
    const two = evaluateApprovals(subject(), setup([rule(2)]), T0);
    expect(two.authorized).toBe(false);
    expect(two.groups[0]?.status).toBe("unsatisfiable");
    expect(two.explanation).toContain(
      "app-owners can never approve: it needs 2 approvals but only 1 member may approve",
    );
  });

  it("takes the strictest quorum when two rules ask the same group", () => {
    const rules: ApprovalRule[] = [
      { name: "a", groups: [{ name: "cab", quorum: "any" }] },
      { name: "b", match: { riskBands: ["moderate"] }, groups: [{ name: "cab", quorum: 3 }] },
    ];
    expect(evaluateApprovals(subject(), setup(rules), T0).groups).toMatchObject([
      { group: "cab", needed: 3 },
    ]);
  });

  it("matches rules by environment, tier, risk band, type and labels", () => {
    const only = (match: ApprovalRule["match"]) =>
      evaluateApprovals(subject(), setup([{ name: "x", match, groups: [{ name: "cab" }] }]), T0).matchedRules;
    expect(only({ environments: ["staging"] })).toEqual([]);
    expect(only({ tiers: [0, 1] })).toEqual(["x"]);
    expect(only({ tiers: [0] })).toEqual([]);
    expect(only({ riskBands: ["high", "very-high"] })).toEqual([]);
    expect(only({ types: ["normal"], labels: { team: "commerce" } })).toEqual(["x"]);
    expect(only({ labels: { team: "search" } })).toEqual([]);
  });

  it("falls back to the environment's approval groups, and authorizes nothing when there are none", () => {
    const fallback = evaluateApprovals(subject(), setup([], { environmentGroups: ["security"] }), T0);
    expect(fallback.stillNeeded.map((g) => g.group)).toEqual(["security"]);
    const none = evaluateApprovals(subject(), setup([]), T0);
    expect(none.authorized).toBe(false);
    expect(none.explanation.at(-1)).toMatch(/no approval rule matches this change/);
  });

  it("lets approvals expire after the rule's time", () => {
    const rules: ApprovalRule[] = [{ name: "r", expiresAfter: "24h", groups: [{ name: "security" }] }];
    const given = subject({ approvals: [approval("sam", ["security"])] });
    expect(evaluateApprovals(given, setup(rules), T0 + 23 * HOUR).authorized).toBe(true);
    const late = evaluateApprovals(given, setup(rules), T0 + 24 * HOUR);
    expect(late.authorized).toBe(false);
    expect(late.discounted[0]?.reason).toBe(
      "sam's approval for security expired at 2027-01-05T09:00:00.000Z",
    );
  });

  it("ignores approvals of earlier rounds and of someone who has since started a run", () => {
    const rules: ApprovalRule[] = [{ name: "r", groups: [{ name: "security" }] }];
    const old = subject({ approvalRound: 2, approvals: [approval("sam", ["security"])] });
    expect(evaluateApprovals(old, setup(rules), T0).authorized).toBe(false);
    const starter = subject({
      runs: [{ runId: "run-8", startedBy: "sam" }],
      approvals: [approval("sam", ["security"])],
    });
    const e = evaluateApprovals(starter, setup(rules), T0);
    expect(e.authorized).toBe(false);
    expect(e.explanation).toContain(
      "not counted: sam started run run-8 of this change and cannot approve it (separation of duties)",
    );
  });
});

describe("checkApprover", () => {
  const s = setup([prodRule]);
  const refusal = (identity: string, over: Partial<ApprovalSubject> = {}, st = s) => {
    const c = checkApprover(subject(over), st, T0, identity);
    return c.kind === "refused" ? c.refusal.message : `may approve for ${c.groups.join(",")}`;
  };

  it("refuses self-approval and approval by the release author (separation of duties)", () => {
    expect(refusal("alice")).toBe("alice requested this change and cannot approve it (separation of duties)");
    expect(refusal("bob")).toBe(
      "bob wrote the release of this change and cannot approve it (separation of duties)",
    );
    expect(refusal("carol")).toBe("may approve for app-owners");
  });

  it("allows the requester when every matching rule turns separation of duties off", () => {
    const relaxed = setup([{ ...prodRule, separationOfDuties: false }]);
    expect(refusal("alice", {}, relaxed)).toBe("may approve for app-owners");
  });

  it("refuses a later level, a second approval, and someone outside the groups", () => {
    expect(refusal("dave")).toBe("dave approves for cab at level 1; level 0 (app-owners) must approve first");
    expect(
      refusal("carol", { approvals: [approval("carol", ["app-owners"]), approval("dave", ["cab"])] }),
    ).toBe("app-owners already has the approvals it needs; still needed: cab");
    expect(
      refusal("dave", { approvals: [approval("carol", ["app-owners"]), approval("dave", ["cab"])] }),
    ).toBe("dave has already approved for cab");
    expect(refusal("sam")).toBe("sam is in none of the groups whose approval CHG-7 needs (app-owners, cab)");
  });

  it("restricts an emergency change to the emergency approver set", () => {
    const emergency = setup([prodRule], { emergencyApproverGroups: ["oncall-lead", "security"] });
    const over = { type: "emergency" as const };
    expect(refusal("carol", over, emergency)).toBe(
      "carol is not in the emergency approver set (oncall-lead, security)",
    );
    expect(refusal("olga", over, emergency)).toBe("may approve for oncall-lead");
    const e = evaluateApprovals(subject(over), emergency, T0);
    expect(e.explanation[0]).toBe(
      "emergency change: only oncall-lead, security may approve; app-owners, cab not asked",
    );
    expect(e.stillNeeded.map((g) => g.group)).toEqual(["oncall-lead", "security"]);
  });
});
