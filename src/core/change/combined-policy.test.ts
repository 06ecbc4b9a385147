import { describe, expect, it } from "vitest";
import { combinedPolicy } from "./combined-policy.js";
import { releaseWindow } from "./release-window.js";

describe("combinedPolicy", () => {
  it("takes every document's approval rules and the first (by name) of each single-valued section", () => {
    const policy = combinedPolicy([
      {
        name: "strict",
        spec: {
          approvals: { rules: [{ name: "cab", groups: [{ name: "cab", quorum: "all" }] }] },
          emergency: { approverGroups: ["security"] },
        },
      },
      {
        name: "default",
        spec: {
          approvals: { rules: [{ name: "owners", groups: [{ name: "owners" }] }] },
          emergency: { approverGroups: ["oncall"] },
          auditWindows: { approverGroup: "auditors" },
        },
      },
    ]);
    expect(policy.approvals?.rules.map((r) => r.name)).toEqual(["owners", "cab"]);
    expect(policy.emergency?.approverGroups).toEqual(["oncall"]);
    expect(policy.auditWindows?.approverGroup).toBe("auditors");
    expect(combinedPolicy([])).toEqual({});
  });
});

describe("releaseWindow", () => {
  it("reads a release's local window in its zone, else the environment's, across DST", () => {
    expect(
      releaseWindow(
        { start: "2027-03-28T01:00:00", end: "2027-03-28T04:00:00", timeZone: "Europe/Berlin" },
        "UTC",
      ),
    ).toEqual({
      start: Date.parse("2027-03-28T00:00:00Z"),
      end: Date.parse("2027-03-28T02:00:00Z"),
    });
    expect(
      releaseWindow({ start: "2027-01-05T22:00:00", end: "2027-01-06T01:00:00" }, "America/New_York"),
    ).toEqual({
      start: Date.parse("2027-01-06T03:00:00Z"),
      end: Date.parse("2027-01-06T06:00:00Z"),
    });
    expect(releaseWindow(undefined, "UTC")).toBeUndefined();
    expect(
      releaseWindow({ start: "2027-01-05T22:00:00", end: "2027-01-05T21:00:00" }, "UTC"),
    ).toBeUndefined();
  });
});
