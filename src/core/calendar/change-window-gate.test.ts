import { describe, expect, it } from "vitest";
import type { CalendarWorld } from "./calendar-world.js";
import { type ChangeWindowQuestion, checkChangeWindow } from "./change-window-gate.js";

const at = (iso: string) => Date.parse(iso);

const world: CalendarWorld = {
  calendars: [
    {
      name: "prod-calendar",
      spec: {
        windows: [
          {
            name: "tier0-freeze",
            kind: "freeze",
            timeZone: "Europe/Berlin",
            start: "2027-04-05T09:00:00",
            end: "2027-04-05T17:00:00",
            scope: { environments: ["prod"], tiers: [0] },
            owner: "release-management",
            emergencyOverride: true,
          },
          {
            name: "quarter-close",
            kind: "audit",
            timeZone: "America/New_York",
            start: "2027-04-05T00:00:00",
            duration: "P1D",
            scope: { labels: { sox: "true" } },
            owner: "compliance",
          },
        ],
      },
    },
  ],
  environments: { prod: { timeZone: "Europe/Berlin" } },
  // `ledger` depends on `payments`: a change to payments reaches ledger too.
  services: { payments: { tier: 2 }, ledger: { tier: 0, dependsOn: ["payments"] } },
  resources: [{ name: "dba-team", spec: { capacity: 1, owner: "dba" } }],
  changes: [],
  bookings: [
    {
      id: "autumn: prod migration",
      resource: "dba-team",
      holder: "autumn",
      start: at("2027-04-05T07:00:00Z"),
      end: at("2027-04-05T09:00:00Z"),
      units: 1,
    },
  ],
};

const question = (over: Partial<ChangeWindowQuestion> = {}): ChangeWindowQuestion => ({
  id: "CHG-7",
  environment: "prod",
  scope: [{ name: "payments", tier: 2, labels: {} }],
  window: { start: at("2027-04-05T08:00:00Z"), end: at("2027-04-05T10:00:00Z") },
  emergency: false,
  ...over,
});

describe("checkChangeWindow", () => {
  it("blocks a normal change in a freeze that reaches it through a tier-0 dependent, naming owner and override", () => {
    const verdict = checkChangeWindow(world, question());
    expect(verdict).toEqual({
      allowed: false,
      blocking: [
        expect.objectContaining({
          kind: "freeze",
          window: "tier0-freeze",
          owner: "release-management",
          emergencyOverride: true,
          start: "2027-04-05T08:00:00Z",
          end: "2027-04-05T10:00:00Z",
        }),
      ],
      overridden: [],
    });
  });

  it("lets an emergency through a freeze that allows overrides, and reports what it overrode", () => {
    const verdict = checkChangeWindow(world, question({ emergency: true }));
    expect(verdict.allowed).toBe(true);
    expect(verdict.overridden.map((c) => c.kind)).toEqual(["freeze"]);
  });

  it("never lets an emergency over-book a resource", () => {
    const verdict = checkChangeWindow(
      world,
      question({ emergency: true, needs: [{ resource: "dba-team", units: 1 }] }),
    );
    expect(verdict).toMatchObject({
      allowed: false,
      blocking: [{ kind: "resource", bookings: ["autumn: prod migration"], emergencyOverride: false }],
      overridden: [{ kind: "freeze" }],
    });
  });

  it("matches label-scoped audit windows on the release's labels, until the audit approval is given", () => {
    const outsideFreeze = { start: at("2027-04-05T18:00:00Z"), end: at("2027-04-05T19:00:00Z") };
    const sox = question({ window: outsideFreeze, labels: { sox: "true" } });
    expect(checkChangeWindow(world, question({ window: outsideFreeze }))).toEqual({
      allowed: true,
      overridden: [],
    });
    expect(checkChangeWindow(world, sox)).toMatchObject({
      allowed: false,
      blocking: [{ kind: "audit", window: "quarter-close", owner: "compliance", emergencyOverride: false }],
    });
    expect(checkChangeWindow(world, { ...sox, emergency: true }).allowed).toBe(false);
    expect(checkChangeWindow(world, { ...sox, auditApproved: true })).toMatchObject({
      allowed: true,
      overridden: [{ kind: "audit" }],
    });
  });

  it("uses the change's recorded tier for a service the world has no document for", () => {
    const unknown = question({ scope: [{ name: "billing", tier: 0 }] });
    expect(checkChangeWindow(world, unknown)).toMatchObject({
      allowed: false,
      blocking: [{ kind: "freeze" }],
    });
    expect(checkChangeWindow(world, question({ scope: [{ name: "billing", tier: 3 }] })).allowed).toBe(true);
  });

  it("never blocks a change with its own bookings", () => {
    const own = question({
      scope: [{ name: "billing", tier: 3 }],
      needs: [{ resource: "dba-team", units: 1 }],
    });
    expect(checkChangeWindow(world, own)).toMatchObject({ allowed: false, blocking: [{ kind: "resource" }] });
    expect(checkChangeWindow(world, { ...own, id: "autumn" })).toEqual({ allowed: true, overridden: [] });
  });

  it("refuses an empty window with a clear error", () => {
    expect(() =>
      checkChangeWindow(
        world,
        question({ window: { start: at("2027-04-05T08:00:00Z"), end: at("2027-04-05T08:00:00Z") } }),
      ),
    ).toThrow(/end must be after its start/);
  });
});
