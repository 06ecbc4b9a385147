import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApprovalSetup } from "./approval/approval-setup.js";
import { evaluateApprovals } from "./approval/evaluate-approvals.js";
import { dutyConflict } from "./approval/separation-of-duties.js";
import type { ChangeEvent } from "./change-event.js";
import { nextOnPath, REVERTIBLE_STATES } from "./change-path.js";
import { type ChangeRequest, newChangeRequest } from "./change-request.js";
import { CHANGE_STATES, type ChangeState, type ChangeType, isTerminalState } from "./change-state.js";
import { transitionChange } from "./transition-change.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 0, 4, 9);
const setup: ApprovalSetup = {
  rules: [
    { name: "owners", groups: [{ name: "owners", quorum: "any", level: 0 }], expiresAfter: "3d" },
    { name: "cab", match: { riskBands: ["high"] }, groups: [{ name: "cab", quorum: "50%", level: 1 }] },
  ],
  groupMembers: { owners: ["alice", "carol"], cab: ["dave", "erin", "carol"], oncall: ["olga"] },
  emergencyApproverGroups: ["oncall", "owners"],
  environmentGroups: undefined,
};
const people = ["alice", "bob", "carol", "dave", "erin", "olga", "system"] as const;
const windows = [
  { start: T0 + 24 * HOUR, end: T0 + 30 * HOUR },
  { start: T0 + 60 * HOUR, end: T0 + 72 * HOUR },
];

const event: fc.Arbitrary<ChangeEvent> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      by: fc.constantFrom(...people),
      to: fc.constantFrom(...CHANGE_STATES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("assess-risk" as const),
      by: fc.constant("system"),
      band: fc.constantFrom("low" as const, "high" as const),
      score: fc.nat(100),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("approve" as const), by: fc.constantFrom(...people) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("reject" as const),
      by: fc.constantFrom(...people),
      comment: fc.constantFrom("", "no"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("edit" as const),
      by: fc.constant("alice"),
      window: fc.constantFrom(...windows),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("link-run" as const),
      by: fc.constantFrom(...people),
      runId: fc.constant("r1"),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("finish-implementation" as const),
      by: fc.constant("system"),
      outcome: fc.constantFrom("successful" as const, "unsuccessful" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("complete-retrospective" as const),
      by: fc.constant("olga"),
      findings: fc.constantFrom([], ["root cause found"]),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("revert-to-new" as const),
      by: fc.constant("alice"),
      reason: fc.constant("rework"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      by: fc.constant("alice"),
      reason: fc.constant("dropped"),
    }),
  },
);

/**
 * A state-aware event that moves the change on, so random sequences get past Authorize often
 * enough to test the later guards; the machine still decides whether to accept it.
 */
function progress(c: ChangeRequest, at: number): readonly [ChangeEvent, number] {
  const by = "system";
  switch (c.state) {
    case "New":
    case "Assess":
      if (c.riskBand === undefined && c.type !== "standard")
        return [{ kind: "assess-risk", by, band: "high", score: 40 }, at];
      return [{ kind: "advance", by, to: nextOnPath(c.type, c.state) ?? "Closed" }, at];
    case "Authorize": {
      const who = evaluateApprovals(c, setup, at).mayApprove[0];
      return [
        who === undefined ? { kind: "advance", by, to: "Scheduled" } : { kind: "approve", by: who },
        at,
      ];
    }
    case "Scheduled": {
      const w = c.window;
      // first knock just before the window opens (must be refused), then at its opening
      if (w !== undefined && at < w.start - HOUR)
        return [{ kind: "advance", by, to: "Implement" }, w.start - HOUR / 2];
      if (w !== undefined && at < w.start) return [{ kind: "advance", by, to: "Implement" }, w.start];
      return [{ kind: "edit", by: "alice", window: { start: at + HOUR, end: at + 3 * HOUR } }, at];
    }
    case "Implement":
      return [{ kind: "finish-implementation", by, outcome: "successful" }, at];
    case "Review":
      if (c.retrospective.kind === "open")
        return [{ kind: "complete-retrospective", by: "olga", findings: ["ok"] }, at];
      return [{ kind: "advance", by, to: "Closed" }, at];
    default:
      return [{ kind: "advance", by, to: "Closed" }, at];
  }
}

function fresh(type: ChangeType): ChangeRequest {
  const plan = { id: "p", digest: "d", generations: {} };
  const scope = [{ name: "orders", tier: 1, labels: {} }];
  return newChangeRequest(
    {
      number: "CHG-1",
      type,
      environment: "prod",
      release: "r",
      releaseAuthor: "bob",
      requestedBy: "alice",
      plan,
      window: windows[0],
      scope,
    },
    T0,
  );
}

/** Every (from, to) pair the model allows, whichever event caused it. */
function legalMove(type: ChangeType, from: ChangeState, to: ChangeState): boolean {
  if (from === to) return true;
  if (to === nextOnPath(type, from)) return true;
  if (to === "New") return REVERTIBLE_STATES.includes(from);
  if (to === "Canceled") return !isTerminalState(from);
  return to === "Authorize" && from === "Scheduled" && type !== "standard"; // an edit after approval
}

describe("change state machine (random event sequences)", () => {
  it("reaches no illegal state, skips no guard, and never leaves Closed or Canceled", () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom("standard" as const, "normal" as const, "emergency" as const),
        fc.array(fc.tuple(event, fc.integer({ min: 0, max: 6 }), fc.nat(3)), { maxLength: 50 }),
        (type, steps) => {
          let c = fresh(type);
          let at = T0;
          for (const [random, hours, moveOn] of steps) {
            at += hours * HOUR;
            const [e, when] = moveOn > 0 ? progress(c, at) : [random, at];
            at = when;
            const t = transitionChange(c, e, { at, approvals: setup });
            if (isTerminalState(c.state)) expect(t.kind).toBe("refused");
            if (t.kind === "refused") continue;
            const next = t.change;
            expect(
              legalMove(type, c.state, next.state),
              `${type} ${c.state} → ${next.state} by ${e.kind}`,
            ).toBe(true);
            const entered = next.state !== c.state ? next.state : undefined;
            if (entered === "Scheduled" && type !== "standard")
              expect(evaluateApprovals(next, setup, at).authorized).toBe(true);
            if (entered === "Implement") {
              expect(at >= (next.window?.start ?? Infinity) && at < (next.window?.end ?? -Infinity)).toBe(
                true,
              );
              if (type !== "standard") expect(evaluateApprovals(next, setup, at).authorized).toBe(true);
            }
            if (entered === "Closed" && type === "emergency") {
              expect(next.retrospective.kind === "completed" && next.retrospective.findings.length > 0).toBe(
                true,
              );
            }
            for (const a of next.approvals.slice(c.approvals.length)) {
              if (a.decision === "approved") expect(dutyConflict(next, a.by)).toBeUndefined();
            }
            c = next;
            reached.add(`${type}:${c.state}`);
          }
        },
      ),
      { numRuns: 400 },
    );
    // the sequences must actually get somewhere, or the property proves nothing
    for (const state of ["standard:Implement", "normal:Scheduled", "emergency:Scheduled"])
      expect(reached).toContain(state);
  });

  it("closes every type of change when each step is the one that moves it on", () => {
    for (const type of ["standard", "normal", "emergency"] as const) {
      let c = fresh(type);
      let at = T0;
      for (let i = 0; i < 30 && c.state !== "Closed"; i++) {
        const [e, when] = progress(c, at);
        at = when;
        const t = transitionChange(c, e, { at, approvals: setup });
        if (t.kind === "accepted") c = t.change;
      }
      expect([type, c.state]).toEqual([type, "Closed"]);
    }
  });
});
