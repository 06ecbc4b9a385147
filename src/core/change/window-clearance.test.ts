import { describe, expect, it } from "vitest";
import type { Conflict } from "../calendar/conflict.js";
import type { PolicySpec } from "../documents/kinds/policy.js";
import { clearWindow, describeBlockedWindow } from "./window-clearance.js";

const window = (
  kind: "freeze" | "audit" | "blackout",
  name: string,
  emergencyOverride: boolean,
): Conflict => ({
  kind,
  window: name,
  calendar: "prod-calendar",
  start: "2027-12-24T10:00:00Z",
  end: "2027-12-24T12:00:00Z",
  owner: "release-management",
  localStart: "2027-12-24T10:00:00",
  timeZone: "UTC",
  emergencyOverride,
  message: `${kind} window prod-calendar/${name} overlaps the slot; owner release-management`,
});

describe("clearWindow", () => {
  it("refuses a freeze for a normal change and names it", () => {
    const c = clearWindow([window("freeze", "year-end", true)], "normal", undefined);
    expect(c.blocking).toHaveLength(1);
    expect(describeBlockedWindow("CHG-3", c.blocking)).toContain("prod-calendar/year-end");
    expect(describeBlockedWindow("CHG-3", c.blocking)).toContain("owner release-management");
  });

  it("lets an emergency through only where the window allows an override and the Policy does not forbid it", () => {
    const conflicts = [window("freeze", "year-end", true), window("freeze", "dc-move", false)];
    const c = clearWindow(conflicts, "emergency", undefined);
    expect(c.overridden.map((x) => (x.kind === "freeze" ? x.window : ""))).toEqual(["year-end"]);
    expect(c.blocking.map((x) => (x.kind === "freeze" ? x.window : ""))).toEqual(["dc-move"]);
    const strict: PolicySpec = { emergency: { approverGroups: ["oncall"], skipFreeze: false } };
    expect(clearWindow(conflicts, "emergency", strict).blocking).toHaveLength(2);
  });

  it("turns an audit window into an extra approval group when the Policy names one, else refuses it", () => {
    const audit = [window("audit", "q1-audit", false)];
    expect(clearWindow(audit, "normal", undefined).blocking).toHaveLength(1);
    const policy: PolicySpec = { auditWindows: { approverGroup: "auditors" } };
    const c = clearWindow(audit, "normal", policy);
    expect(c).toMatchObject({ blocking: [], extraGroup: "auditors" });
    expect(c.audits).toHaveLength(1);
    expect(clearWindow([], "normal", policy).extraGroup).toBeUndefined();
  });
});
