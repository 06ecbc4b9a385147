import { describe, expect, it } from "vitest";
import { changeNextSteps } from "./change-next-steps.js";
import type { ChangeRequest } from "./change-request.js";
import { stepClearance } from "./step-clearance.js";

const T = (iso: string) => Date.parse(iso);
const window = { start: T("2027-06-10T22:00:00Z"), end: T("2027-06-11T02:00:00Z") };
const change = (state: ChangeRequest["state"], extra: Partial<ChangeRequest> = {}) => ({
  number: "CHG-7",
  type: "normal" as const,
  state,
  window,
  history: [],
  ...extra,
});
const MIN = 60_000;

describe("stepClearance", () => {
  it("lets a step start only in Implement inside the window", () => {
    expect(stepClearance("CHG-7", change("Implement"), T("2027-06-10T23:00:00Z"), MIN)).toEqual({
      kind: "go",
    });
    expect(stepClearance("CHG-7", change("Implement"), window.start, MIN)).toEqual({ kind: "go" });
  });

  it("holds before the window until it opens (or the recheck, if sooner), and after it for a recheck", () => {
    expect(stepClearance("CHG-7", change("Implement"), window.start - 30_000, MIN)).toEqual({
      kind: "hold",
      until: window.start,
      reason: "held: CHG-7's window opens at 2027-06-10T22:00:00.000Z",
    });
    expect(stepClearance("CHG-7", change("Implement"), window.end, MIN)).toMatchObject({
      kind: "hold",
      until: window.end + MIN,
      reason: expect.stringContaining("CHG-7's window closed at 2027-06-11T02:00:00.000Z"),
    });
    expect(stepClearance("CHG-7", change("Scheduled"), T("2027-06-10T23:00:00Z"), MIN)).toMatchObject({
      kind: "hold",
      reason: "held: CHG-7 is Scheduled, not Implement",
    });
  });

  it("stops for a canceled change with who and why, for a finished one, and for a missing one", () => {
    const canceled = change("Canceled", {
      history: [{ at: 1, by: "rita", from: "Implement", to: "Canceled", note: "canceled: supplier outage" }],
    });
    expect(stepClearance("CHG-7", canceled, window.start, MIN)).toEqual({
      kind: "stop",
      reason:
        "CHG-7 was canceled by rita (supplier outage); no step of its run may start: abort the run to roll back what it changed",
    });
    expect(stepClearance("CHG-7", change("Review"), window.start, MIN).kind).toBe("stop");
    expect(stepClearance("CHG-7", undefined, window.start, MIN)).toMatchObject({
      kind: "stop",
      reason: expect.stringContaining("does not exist"),
    });
  });
});

describe("changeNextSteps", () => {
  const now = T("2027-06-01T10:00:00Z");
  it("walks a normal change without a window through window, submit, authorize, approvals and the run", () => {
    const steps = changeNextSteps(change("New", { window: undefined }), now);
    expect(steps).toEqual([
      "give it a window: upshift change edit CHG-7 --start <RFC 3339> --end <RFC 3339>",
      "submit it for assessment: upshift change submit CHG-7",
      "authorize it (the approvers are asked): upshift change authorize CHG-7",
      "approvals from the Policy's approver groups (upshift approve CHG-7; upshift change list --awaiting-me shows who is asked)",
      "start the run again inside its window",
    ]);
  });
  it("says only what is left: a standard change is scheduled by submit; a Scheduled one waits for its window", () => {
    expect(changeNextSteps(change("New", { type: "standard" }), now)).toEqual([
      "schedule it: upshift change submit CHG-7",
      "start the run again inside its window, 2027-06-10T22:00:00.000Z–2027-06-11T02:00:00.000Z",
    ]);
    expect(changeNextSteps(change("Scheduled"), now)).toHaveLength(1);
    expect(changeNextSteps(change("Scheduled"), window.end)[0]).toContain("its window ended");
    expect(changeNextSteps(change("Canceled"), now)).toEqual([]);
  });
});
