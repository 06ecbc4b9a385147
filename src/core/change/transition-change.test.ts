import { describe, expect, it } from "vitest";
import type { ApprovalSetup } from "./approval/approval-setup.js";
import type { ChangeEvent } from "./change-event.js";
import type { ChangeRequest } from "./change-request.js";
import { newChangeRequest } from "./change-request.js";
import type { ChangeType } from "./change-state.js";
import type { ChangeContext, ChangeTransition } from "./change-transition.js";
import { transitionChange } from "./transition-change.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 0, 4, 9);
const WINDOW = { start: T0 + 48 * HOUR, end: T0 + 50 * HOUR };

const approvals: ApprovalSetup = {
  rules: [
    {
      name: "prod",
      match: { environments: ["prod"] },
      groups: [
        { name: "app-owners", quorum: "any", level: 0 },
        { name: "cab", quorum: 2, level: 1 },
      ],
      expiresAfter: "7d",
    },
  ],
  groupMembers: {
    "app-owners": ["alice", "carol"],
    cab: ["dave", "erin", "frank"],
    "oncall-lead": ["olga"],
    security: ["sam"],
  },
  emergencyApproverGroups: ["oncall-lead", "security"],
  environmentGroups: undefined,
};

function change(type: ChangeType = "normal"): ChangeRequest {
  return newChangeRequest(
    {
      number: "CHG-12",
      type,
      environment: "prod",
      release: "spring",
      releaseAuthor: "bob",
      requestedBy: "alice",
      plan: { id: "plan-1", digest: "sha256:aaaa", generations: { "Release/spring": 3 } },
      window: WINDOW,
      scope: [{ name: "orders", tier: 1, labels: {} }],
    },
    T0,
  );
}

/** Applies events in order; each must be accepted. */
function run(start: ChangeRequest, steps: readonly (readonly [ChangeEvent, number?])[]): ChangeRequest {
  let c = start;
  for (const [event, at] of steps) {
    const t = transitionChange(c, event, ctx(at));
    if (t.kind === "refused") throw new Error(`${event.kind} refused: ${t.refusal.message}`);
    c = t.change;
  }
  return c;
}

const ctx = (at = T0): ChangeContext => ({ at, approvals });
const refusal = (t: ChangeTransition) => (t.kind === "refused" ? t.refusal : undefined);
const assess = { kind: "assess-risk", by: "system", band: "moderate", score: 22 } as const;
const advance = (to: ChangeRequest["state"], by = "alice") => ({ kind: "advance", by, to }) as const;
const approve = (by: string) => ({ kind: "approve", by }) as const;
const inWindow = WINDOW.start + HOUR;

describe("normal change", () => {
  it("goes New → Assess → Authorize → Scheduled → Implement → Review → Closed with real approvals", () => {
    const authorized = run(change(), [
      [assess],
      [advance("Assess")],
      [advance("Authorize")],
      [approve("carol")],
      [approve("dave")],
      [approve("erin")],
    ]);
    expect(authorized.state).toBe("Scheduled");
    const closed = run(authorized, [
      [advance("Implement", "system"), inWindow],
      [{ kind: "finish-implementation", by: "system", outcome: "successful" }, inWindow],
      [advance("Closed"), inWindow],
    ]);
    expect(closed.history.map((h) => h.to)).toEqual([
      "Assess",
      "Authorize",
      "Scheduled",
      "Implement",
      "Review",
      "Closed",
    ]);
    expect(closed.history[2]?.note).toBe("authorized by carol, dave, erin");
    expect(closed.outcome).toBe("successful");
  });

  it("refuses shortcuts and says which step comes next", () => {
    const t = transitionChange(change(), advance("Scheduled"), ctx());
    expect(refusal(t)).toMatchObject({
      kind: "not-on-path",
      next: "Assess",
      message:
        "a normal change goes from New to Assess, not to Scheduled; it can also revert to New (before Implement) or be canceled",
    });
    const unassessed = run(change(), [[advance("Assess")]]);
    expect(refusal(transitionChange(unassessed, advance("Authorize"), ctx()))?.kind).toBe(
      "risk-not-assessed",
    );
  });

  it("refuses a self-approval, then counts the approval of someone allowed", () => {
    const c = run(change(), [[assess], [advance("Assess")], [advance("Authorize")]]);
    const self = transitionChange(c, approve("alice"), ctx());
    expect(refusal(self)?.message).toBe(
      "alice requested this change and cannot approve it (separation of duties)",
    );
    const ok = transitionChange(c, approve("carol"), ctx());
    expect(ok.kind === "accepted" && ok.change.approvals.map((a) => [a.by, a.groups])).toEqual([
      ["carol", ["app-owners"]],
    ]);
  });

  it("invalidates approvals when the window changes after approval, and says what changed", () => {
    const scheduled = run(change(), [
      [assess],
      [advance("Assess")],
      [advance("Authorize")],
      [approve("carol")],
      [approve("dave")],
      [approve("erin")],
    ]);
    const moved = { start: WINDOW.start + 24 * HOUR, end: WINDOW.end + 24 * HOUR };
    const t = transitionChange(scheduled, { kind: "edit", by: "alice", window: moved }, ctx());
    if (t.kind !== "accepted") throw new Error("edit refused");
    expect(t.change.state).toBe("Authorize");
    expect(t.effects).toEqual([
      {
        kind: "approvals-invalidated",
        round: 1,
        changed: [
          "window changed from 2027-01-06T09:00:00.000Z–2027-01-06T11:00:00.000Z to 2027-01-07T09:00:00.000Z–2027-01-07T11:00:00.000Z",
        ],
      },
    ]);
    // the old approvals no longer count: carol must approve again, and cab waits for her
    const again = transitionChange(t.change, approve("dave"), ctx());
    expect(refusal(again)?.message).toBe(
      "dave approves for cab at level 1; level 0 (app-owners) must approve first",
    );
    const reapproved = run(t.change, [[approve("carol")], [approve("dave")], [approve("frank")]]);
    expect(reapproved.state).toBe("Scheduled");
    expect(reapproved.approvals.filter((a) => a.round === 2).map((a) => a.by)).toEqual([
      "carol",
      "dave",
      "frank",
    ]);
  });

  it("names plan and scope changes, and refuses an edit that changes nothing", () => {
    const c = run(change(), [[assess], [advance("Assess")], [advance("Authorize")], [approve("carol")]]);
    const edit: ChangeEvent = {
      kind: "edit",
      by: "alice",
      plan: { id: "plan-2", digest: "sha256:bbbb", generations: {} },
      scope: [{ name: "payments", tier: 0, labels: {} }],
    };
    const t = transitionChange(c, edit, ctx());
    expect(t.kind === "accepted" && t.effects[0]).toMatchObject({
      changed: [
        "plan changed from plan-1 (sha256:aaaa) to plan-2 (sha256:bbbb)",
        "scope changed: added payments; removed orders",
      ],
    });
    expect(refusal(transitionChange(c, { kind: "edit", by: "alice", window: WINDOW }, ctx()))?.kind).toBe(
      "nothing-changed",
    );
  });

  it("returns a rejected change to New with the comment, and a revert cancels pending approvals", () => {
    const c = run(change(), [[assess], [advance("Assess")], [advance("Authorize")], [approve("carol")]]);
    const noComment = transitionChange(c, { kind: "reject", by: "dave", comment: " " }, ctx());
    expect(refusal(noComment)?.kind).toBe("comment-required");
    expect(refusal(transitionChange(c, { kind: "reject", by: "alice", comment: "no" }, ctx()))?.kind).toBe(
      "approver-refused",
    );
    expect(refusal(transitionChange(c, { kind: "reject", by: "sam", comment: "no" }, ctx()))?.kind).toBe(
      "approver-refused",
    );
    const rejected = transitionChange(
      c,
      { kind: "reject", by: "carol", comment: "roll back plan lacks the data step" },
      ctx(),
    );
    if (rejected.kind !== "accepted") throw new Error("reject refused");
    expect(rejected.change.state).toBe("New");
    expect(rejected.change.endedRounds).toEqual([
      { kind: "rejected", round: 1, at: T0, by: "carol", comment: "roll back plan lacks the data step" },
    ]);
    const reverted = transitionChange(
      c,
      { kind: "revert-to-new", by: "alice", reason: "scope unclear" },
      ctx(),
    );
    expect(
      reverted.kind === "accepted" && [
        reverted.change.state,
        reverted.change.approvalRound,
        reverted.effects[0]?.kind,
      ],
    ).toEqual(["New", 2, "approvals-canceled"]);
  });

  it("enters Implement only inside the window and while approvals are still valid", () => {
    const scheduled = run(change(), [
      [assess],
      [advance("Assess")],
      [advance("Authorize")],
      [approve("carol")],
      [approve("dave")],
      [approve("erin")],
    ]);
    const early = transitionChange(scheduled, advance("Implement", "system"), ctx(WINDOW.start - 1));
    expect(refusal(early)?.kind).toBe("outside-window");
    const late = transitionChange(scheduled, advance("Implement", "system"), ctx(WINDOW.end));
    expect(refusal(late)?.kind).toBe("outside-window");
    // approvals given at T0 expire after 7 days: move the window beyond that... by approving late instead
    const stale = { ...scheduled, window: { start: T0 + 8 * 24 * HOUR, end: T0 + 9 * 24 * HOUR } };
    const expired = refusal(
      transitionChange(stale, advance("Implement", "system"), ctx(T0 + 8 * 24 * HOUR + 1)),
    );
    expect(expired?.kind).toBe("not-authorized");
    expect(expired?.message).toMatch(/carol's approval for app-owners expired at 2027-01-11T09:00:00.000Z/);
  });

  it("can be canceled from any state but Closed, and nothing moves it after", () => {
    const c = run(change(), [[assess], [advance("Assess")]]);
    const canceled = run(c, [[{ kind: "cancel", by: "alice", reason: "superseded" }]]);
    expect(canceled.state).toBe("Canceled");
    expect(refusal(transitionChange(canceled, advance("Authorize"), ctx()))?.message).toBe(
      "CHG-12 is Canceled; nothing can change it now",
    );
  });
});

describe("standard and emergency changes", () => {
  it("runs a standard change New → Scheduled → Implement → Review → Closed without approvals", () => {
    const closed = run(change("standard"), [
      [advance("Scheduled")],
      [advance("Implement", "system"), inWindow],
      [{ kind: "finish-implementation", by: "system", outcome: "successful" }, inWindow],
      [advance("Closed"), inWindow],
    ]);
    expect(closed.history.map((h) => h.to)).toEqual(["Scheduled", "Implement", "Review", "Closed"]);
    expect(closed.approvals).toEqual([]);
  });

  it("takes an emergency change to Closed only after its retrospective is completed with findings", () => {
    const emergency = change("emergency");
    expect(refusal(transitionChange(emergency, advance("Assess"), ctx()))?.kind).toBe("not-on-path");
    const authorize = run(emergency, [[assess], [advance("Authorize")]]);
    expect(refusal(transitionChange(authorize, approve("carol"), ctx()))?.message).toBe(
      "carol is not in the emergency approver set (oncall-lead, security)",
    );
    const inReview = run(authorize, [
      [approve("olga")],
      [approve("sam")],
      [advance("Implement", "system"), inWindow],
      [{ kind: "finish-implementation", by: "system", outcome: "successful-with-issues" }, inWindow],
    ]);
    expect(inReview.state).toBe("Review");
    expect(inReview.retrospective.kind).toBe("open");
    expect(refusal(transitionChange(inReview, advance("Closed"), ctx(inWindow)))?.kind).toBe(
      "retrospective-open",
    );
    const empty = transitionChange(
      inReview,
      { kind: "complete-retrospective", by: "olga", findings: ["  "] },
      ctx(),
    );
    expect(refusal(empty)?.kind).toBe("findings-required");
    const closed = run(inReview, [
      [
        { kind: "complete-retrospective", by: "olga", findings: ["disk filled by logs; rotation added"] },
        inWindow + HOUR,
      ],
      [advance("Closed"), inWindow + HOUR],
    ]);
    expect(closed.state).toBe("Closed");
    expect(closed.retrospective).toMatchObject({
      kind: "completed",
      by: "olga",
      findings: ["disk filled by logs; rotation added"],
    });
  });
});
