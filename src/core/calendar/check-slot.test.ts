import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CalendarWorld } from "./calendar-world.js";
import type { ChangeSlot } from "./change-slot.js";
import { checkSlot } from "./check-slot.js";

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

const base: CalendarWorld = {
  calendars: [
    {
      name: "prod-calendar",
      spec: {
        windows: [
          {
            name: "business-hours-freeze",
            kind: "freeze",
            timeZone: "Europe/Berlin",
            start: "2027-01-04T09:00:00",
            end: "2027-01-04T17:00:00",
            rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            scope: { environments: ["prod"], tiers: [0] },
            reason: "no changes in business hours",
            owner: "release-management",
            emergencyOverride: true,
          },
          {
            name: "sox-audit",
            kind: "audit",
            timeZone: "America/New_York",
            start: "2027-01-15T00:00",
            end: "2027-01-20T00:00",
            scope: { labels: { sox: "true" } },
            owner: "compliance",
          },
          {
            name: "apac-blackout",
            kind: "blackout",
            timeZone: "Asia/Tokyo",
            start: "2027-01-11T00:00",
            duration: "P1D",
            scope: { regions: ["ap-northeast-1"] },
          },
        ],
      },
    },
  ],
  environments: { prod: { region: "eu-central-1" }, "prod-jp": { region: "ap-northeast-1" }, staging: {} },
  services: {
    db: { tier: 0 },
    orders: { tier: 1, dependsOn: ["db"], labels: { sox: "true" } },
    checkout: { tier: 0, dependsOn: ["orders"] },
    search: { tier: 2 },
  },
  resources: [
    {
      name: "dba-team",
      spec: {
        type: "team",
        capacity: 1,
        owner: "dba",
        timeZone: "Europe/London",
        workingHours: { days: ["MO", "TU", "WE", "TH", "FR"], start: "08:00", end: "18:00" },
      },
    },
    { name: "qa-env", spec: { type: "environment", capacity: 2, owner: "qa" } },
  ],
  changes: [],
  bookings: [],
};

const slot = (start: string, end: string, over: Partial<ChangeSlot> = {}): ChangeSlot => ({
  environment: "prod",
  services: ["orders"],
  start: at(start),
  end: at(end),
  ...over,
});

describe("checkSlot: windows of the affected scope", () => {
  it("finds a tier-0 freeze through a dependent (checkout depends on orders) and names it", () => {
    const { conflicts } = checkSlot(base, slot("2027-01-05T07:00:00Z", "2027-01-05T09:00:00Z"));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      kind: "freeze",
      window: "business-hours-freeze",
      owner: "release-management",
      start: "2027-01-05T08:00:00Z",
      end: "2027-01-05T09:00:00Z",
      emergencyOverride: true,
    });
    expect(conflicts[0]?.message).toContain("checkout (dependent)");
  });

  it("ignores the freeze in staging and for a service nothing tier 0 depends on", () => {
    expect(
      checkSlot(base, slot("2027-01-05T07:00:00Z", "2027-01-05T09:00:00Z", { environment: "staging" }))
        .conflicts,
    ).toEqual([]);
    expect(
      checkSlot(base, slot("2027-01-05T07:00:00Z", "2027-01-05T09:00:00Z", { services: ["search"] }))
        .conflicts,
    ).toEqual([]);
  });

  it("reports an audit window by label and a regional blackout by the environment's region", () => {
    const audit = checkSlot(base, slot("2027-01-16T10:00:00Z", "2027-01-16T11:00:00Z")).conflicts;
    expect(audit.map((c) => [c.kind, c.emergencyOverride])).toEqual([["audit", false]]);
    const jp = checkSlot(
      base,
      slot("2027-01-10T16:00:00Z", "2027-01-10T17:00:00Z", { environment: "prod-jp", services: ["search"] }),
    );
    expect(jp.conflicts.map((c) => c.kind)).toEqual(["blackout"]);
  });
});

describe("checkSlot: maintenance windows", () => {
  const world: CalendarWorld = {
    ...base,
    calendars: [
      {
        name: "staging-maint",
        spec: {
          windows: [
            {
              name: "nightly",
              kind: "maintenance",
              timeZone: "UTC",
              start: "2027-01-01T22:00",
              end: "2027-01-02T02:00",
              rrule: "FREQ=DAILY",
              scope: { environments: ["staging"] },
              owner: "ops",
            },
          ],
        },
      },
    ],
  };

  it("reports only the part of the slot outside the environment's maintenance windows", () => {
    const { conflicts } = checkSlot(
      world,
      slot("2027-01-05T21:00:00Z", "2027-01-05T23:00:00Z", { environment: "staging" }),
    );
    expect(conflicts.map((c) => [c.kind, c.start, c.end])).toEqual([
      ["outside-maintenance", "2027-01-05T21:00:00Z", "2027-01-05T22:00:00Z"],
    ]);
  });

  it("does not limit an environment that has no maintenance windows", () => {
    expect(
      checkSlot(world, slot("2027-01-05T12:00:00Z", "2027-01-05T13:00:00Z", { services: ["search"] }))
        .conflicts,
    ).toEqual([]);
  });
});

describe("checkSlot: other changes and shared resources", () => {
  const world: CalendarWorld = {
    ...base,
    calendars: [],
    changes: [
      {
        id: "CHG-7",
        state: "implementing",
        environment: "prod",
        services: ["db"],
        start: at("2027-02-01T10:00:00Z"),
        end: at("2027-02-01T12:00:00Z"),
        owner: "dba",
      },
      {
        id: "CHG-8",
        state: "scheduled",
        environment: "staging",
        services: ["orders"],
        start: at("2027-02-01T10:00:00Z"),
        end: at("2027-02-01T12:00:00Z"),
      },
    ],
    bookings: [
      {
        id: "b1",
        resource: "qa-env",
        holder: "rel-a",
        start: at("2027-02-02T09:00:00Z"),
        end: at("2027-02-02T13:00:00Z"),
        units: 1,
      },
      {
        id: "b2",
        resource: "qa-env",
        holder: "rel-b",
        start: at("2027-02-02T11:00:00Z"),
        end: at("2027-02-02T15:00:00Z"),
        units: 1,
      },
    ],
  };

  it("reports a change on a dependency in the same environment, not one in another environment", () => {
    const { conflicts } = checkSlot(world, slot("2027-02-01T11:00:00Z", "2027-02-01T13:00:00Z"));
    expect(conflicts).toEqual([
      expect.objectContaining({
        kind: "change",
        change: "CHG-7",
        services: ["db"],
        start: "2027-02-01T11:00:00Z",
        end: "2027-02-01T12:00:00Z",
        owner: "dba",
      }),
    ]);
  });

  it("names the competing bookings where a resource would be over capacity", () => {
    const s = slot("2027-02-02T10:00:00Z", "2027-02-02T16:00:00Z", {
      id: "rel-c",
      needs: [{ resource: "qa-env", units: 1, offsetMs: 0, durationMs: 4 * HOUR }],
    });
    const { conflicts } = checkSlot(world, s);
    expect(conflicts).toEqual([
      expect.objectContaining({
        kind: "resource",
        resource: "qa-env",
        start: "2027-02-02T11:00:00Z",
        end: "2027-02-02T13:00:00Z",
        demand: 3,
        bookings: ["b1", "b2"],
        holders: ["rel-a", "rel-b"],
        emergencyOverride: false,
      }),
    ]);
  });

  it("never counts a track's own bookings against it", () => {
    const s = slot("2027-02-02T11:00:00Z", "2027-02-02T12:00:00Z", {
      id: "rel-a",
      needs: [{ resource: "qa-env", units: 1 }],
    });
    expect(checkSlot(world, s).conflicts).toEqual([]);
  });

  it("reports a team resource needed outside its working hours (London, 08:00-18:00)", () => {
    const s = slot("2027-02-03T17:00:00Z", "2027-02-03T19:00:00Z", {
      services: ["search"],
      needs: [{ resource: "dba-team", units: 1 }],
    });
    expect(checkSlot(world, s).conflicts.map((c) => [c.kind, c.start, c.end])).toEqual([
      ["resource-unavailable", "2027-02-03T18:00:00Z", "2027-02-03T19:00:00Z"],
    ]);
  });
});

describe("checkSlot: symmetry (property)", () => {
  const services = ["db", "orders", "checkout", "search"];
  const arbSlot = fc.record({
    services: fc.subarray(services, { minLength: 1 }),
    startH: fc.integer({ min: 0, max: 48 }),
    lengthH: fc.integer({ min: 1, max: 12 }),
    units: fc.integer({ min: 1, max: 2 }),
  });
  const t0 = at("2027-03-01T00:00:00Z");
  const asChange = (id: string, s: { services: string[]; startH: number; lengthH: number }) => ({
    id,
    state: "scheduled" as const,
    environment: "prod",
    services: s.services,
    start: t0 + s.startH * HOUR,
    end: t0 + (s.startH + s.lengthH) * HOUR,
  });

  it("A conflicts with change B exactly when B conflicts with change A", () => {
    fc.assert(
      fc.property(arbSlot, arbSlot, (a, b) => {
        const ca = asChange("A", a);
        const cb = asChange("B", b);
        const aSeesB =
          checkSlot({ ...base, calendars: [], changes: [cb] }, { ...ca, id: "A" }).conflicts.length > 0;
        const bSeesA =
          checkSlot({ ...base, calendars: [], changes: [ca] }, { ...cb, id: "B" }).conflicts.length > 0;
        expect(aSeesB).toBe(bSeesA);
      }),
      { numRuns: 200 },
    );
  });

  it("two tracks over-book a resource together or not at all, and report the same overlap", () => {
    fc.assert(
      fc.property(arbSlot, arbSlot, (a, b) => {
        const ca = asChange("A", a);
        const cb = asChange("B", b);
        const booking = (c: typeof ca, units: number) => ({
          id: `${c.id}-qa`,
          resource: "qa-env",
          holder: c.id,
          start: c.start,
          end: c.end,
          units,
        });
        const check = (me: typeof ca, myUnits: number, other: typeof ca, otherUnits: number) =>
          checkSlot(
            { ...base, calendars: [], bookings: [booking(other, otherUnits)] },
            { ...me, services: ["search"], needs: [{ resource: "qa-env", units: myUnits }] },
          ).conflicts.map((c) => [c.start, c.end]);
        expect(check(ca, a.units, cb, b.units)).toEqual(check(cb, b.units, ca, a.units));
      }),
      { numRuns: 200 },
    );
  });
});
