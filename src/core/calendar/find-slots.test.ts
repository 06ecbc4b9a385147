import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexCalendars } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import { checkSlot } from "./check-slot.js";
import { findSlots, type SlotRequest } from "./find-slots.js";
import { complementRanges, type TimeRange } from "./time-range.js";
import { type Team, workingHoursRanges } from "./working-hours.js";

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const weekdays = ["MO", "TU", "WE", "TH", "FR"] as const;
const team = (name: string, timeZone: string, start = "09:00", end = "17:00"): Team => ({
  name,
  timeZone,
  workingHours: { days: [...weekdays], start, end },
});

const world: CalendarWorld = {
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
            scope: { environments: ["prod"] },
          },
        ],
      },
    },
  ],
  environments: { prod: { timeZone: "Europe/Berlin" } },
  services: { orders: { tier: 1 } },
  resources: [],
  changes: [],
  bookings: [],
};

const request = (over: Partial<SlotRequest> = {}): SlotRequest => ({
  environment: "prod",
  services: ["orders"],
  durationMs: 2 * HOUR,
  after: at("2027-01-04T06:00:00Z"),
  ...over,
});

describe("findSlots", () => {
  it("proposes the earliest non-overlapping slots around a weekday freeze", () => {
    const answer = findSlots(world, request());
    expect(answer).toEqual({
      kind: "found",
      slots: [
        expect.objectContaining({ start: "2027-01-04T06:00:00Z", end: "2027-01-04T08:00:00Z" }),
        expect.objectContaining({ start: "2027-01-04T16:00:00Z", end: "2027-01-04T18:00:00Z" }),
        expect.objectContaining({ start: "2027-01-04T18:00:00Z", end: "2027-01-04T20:00:00Z" }),
      ],
    });
  });

  it("prefers the overlap of London's and New York's hours (14:00-17:00 UTC in winter)", () => {
    const noFreeze = { ...world, calendars: [] };
    const answer = findSlots(
      noFreeze,
      request({ teams: [team("london", "Europe/London"), team("nyc", "America/New_York")], count: 2 }),
    );
    expect(answer.kind === "found" && answer.slots.map((s) => [s.start, s.teamCoverage])).toEqual([
      ["2027-01-04T14:00:00Z", "overlap"],
      ["2027-01-05T14:00:00Z", "overlap"],
    ]);
  });

  it("follows the sun when Tokyo's and London's hours never overlap", () => {
    const noFreeze = { ...world, calendars: [] };
    const answer = findSlots(
      noFreeze,
      request({
        teams: [team("tokyo", "Asia/Tokyo"), team("london", "Europe/London")],
        after: at("2027-01-04T00:00:00Z"),
        count: 1,
        horizonMs: 7 * 24 * HOUR,
      }),
    );
    expect(answer).toEqual({
      kind: "found",
      slots: [expect.objectContaining({ start: "2027-01-04T00:00:00Z", teamCoverage: "handover" })],
    });
  });

  it("explains per day what blocks a slot when none exists in the horizon", () => {
    const answer = findSlots(
      world,
      request({
        durationMs: 20 * HOUR,
        horizonMs: 3 * 24 * HOUR,
        teams: [team("berlin", "Europe/Berlin", "08:00", "18:00")],
      }),
    );
    expect(answer.kind).toBe("none");
    if (answer.kind !== "none") return;
    expect(answer.days.map((d) => d.date)).toEqual(["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07"]);
    expect(answer.days[1]?.blockedBy).toEqual([
      {
        kind: "window",
        constraint: "freeze prod-calendar/business-hours-freeze",
        minutes: 1440,
        wholeDay: true,
      },
      { kind: "team-hours", constraint: "shared working hours of berlin", minutes: 1440, wholeDay: true },
    ]);
  });
});

describe("findSlots (property): never a conflicting slot, and none only when none exists", () => {
  const t0 = at("2027-03-22T00:00:00Z"); // the week Europe changes to summer time
  const horizonMs = 7 * 24 * HOUR;
  const zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"] as const;
  const teams = [
    team("berlin", "Europe/Berlin", "07:00", "19:00"),
    team("nyc", "America/New_York", "08:00", "20:00"),
    team("sydney", "Australia/Sydney", "08:00", "18:00"),
  ];

  const arbWorld = fc.record({
    freezes: fc.array(
      fc.record({
        zone: fc.constantFrom(...zones),
        day: fc.integer({ min: 0, max: 6 }),
        hour: fc.integer({ min: 0, max: 23 }),
        hours: fc.integer({ min: 1, max: 30 }),
        daily: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    maintenance: fc.option(
      fc.record({
        zone: fc.constantFrom(...zones),
        hour: fc.integer({ min: 0, max: 23 }),
        hours: fc.integer({ min: 1, max: 8 }),
      }),
      { nil: undefined },
    ),
    changes: fc.array(
      fc.record({
        service: fc.constantFrom("orders", "db", "search"),
        startH: fc.integer({ min: 0, max: 160 }),
        hours: fc.integer({ min: 1, max: 24 }),
      }),
      { maxLength: 4 },
    ),
    bookings: fc.array(
      fc.record({ startH: fc.integer({ min: 0, max: 160 }), hours: fc.integer({ min: 1, max: 24 }) }),
      { maxLength: 4 },
    ),
    teams: fc.subarray(teams, { maxLength: 2 }),
    durationH: fc.integer({ min: 1, max: 6 }),
    needsQa: fc.boolean(),
  });

  type ArbWorld = typeof arbWorld extends fc.Arbitrary<infer T> ? T : never;
  const build = (w: ArbWorld) => {
    const day = (n: number) => `2027-03-${String(22 + n).padStart(2, "0")}`;
    const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;
    const world: CalendarWorld = {
      calendars: [
        {
          name: "c",
          spec: {
            windows: [
              ...w.freezes.map((f, i) => ({
                name: `f${i}`,
                kind: "freeze" as const,
                timeZone: f.zone,
                start: `${day(f.day)}T${hh(f.hour)}`,
                duration: `PT${f.hours}H`,
                ...(f.daily ? { rrule: "FREQ=DAILY" } : {}),
              })),
              ...(w.maintenance
                ? [
                    {
                      name: "m",
                      kind: "maintenance" as const,
                      timeZone: w.maintenance.zone,
                      start: `2027-03-21T${hh(w.maintenance.hour)}`,
                      duration: `PT${w.maintenance.hours}H`,
                      rrule: "FREQ=DAILY",
                    },
                  ]
                : []),
            ],
          },
        },
      ],
      environments: { prod: {} },
      services: { db: {}, orders: { dependsOn: ["db"] }, search: {} },
      resources: [{ name: "qa-env", spec: { capacity: 1 } }],
      changes: w.changes.map((c, i) => ({
        id: `c${i}`,
        state: "scheduled" as const,
        environment: "prod",
        services: [c.service],
        start: t0 + c.startH * HOUR,
        end: t0 + (c.startH + c.hours) * HOUR,
      })),
      bookings: w.bookings.map((b, i) => ({
        id: `b${i}`,
        resource: "qa-env",
        holder: `r${i}`,
        start: t0 + b.startH * HOUR,
        end: t0 + (b.startH + b.hours) * HOUR,
        units: 1,
      })),
    };
    const req: SlotRequest = {
      id: "me",
      environment: "prod",
      services: ["orders"],
      durationMs: w.durationH * HOUR,
      after: t0,
      horizonMs,
      stepMs: HOUR,
      count: 3,
      teams: w.teams,
      needs: w.needsQa ? [{ resource: "qa-env", units: 1 }] : [],
    };
    return { world, req };
  };

  const within = (slot: TimeRange, allowed: readonly TimeRange[]) =>
    complementRanges(allowed, slot).length === 0;
  const teamHours = (req: SlotRequest, range: TimeRange) =>
    (req.teams ?? []).map((t) => workingHoursRanges(t.workingHours, t.timeZone, range));
  const free = (
    world: CalendarWorld,
    req: SlotRequest,
    slot: TimeRange,
    index: ReturnType<typeof indexCalendars>,
  ) =>
    checkSlot(
      world,
      { ...req, teams: req.teams?.map((t) => t.name), start: slot.start, end: slot.end },
      index,
    ).conflicts.length === 0;

  it("agrees with a brute-force scan of every start on the grid", () => {
    fc.assert(
      fc.property(arbWorld, (w) => {
        const { world, req } = build(w);
        const index = indexCalendars(world.calendars, { start: t0, end: t0 + horizonMs + req.durationMs });
        const answer = findSlots(world, req, index);
        const ok: { slot: TimeRange; overlap: boolean }[] = [];
        for (let s = t0; s < t0 + horizonMs; s += HOUR) {
          const slot = { start: s, end: s + req.durationMs };
          const hours = teamHours(req, slot);
          const anyTeam = hours.length === 0 || within(slot, hours.flat());
          if (anyTeam && free(world, req, slot, index))
            ok.push({ slot, overlap: hours.every((h) => within(slot, h)) });
        }
        if (answer.kind === "none") {
          expect(ok).toEqual([]);
          expect(answer.days).toHaveLength(7);
          expect(answer.days.every((d) => d.blockedBy.length > 0)).toBe(true);
          return;
        }
        for (const p of answer.slots) {
          const slot = { start: p.startMs, end: p.endMs };
          expect(free(world, req, slot, index)).toBe(true);
          const hours = teamHours(req, slot);
          expect(
            p.teamCoverage === "overlap" ? hours.every((h) => within(slot, h)) : within(slot, hours.flat()),
          ).toBe(true);
        }
        const firstOverlap = ok.find((o) => o.overlap);
        if (firstOverlap) expect(answer.slots[0]?.startMs).toBe(firstOverlap.slot.start);
        else expect(answer.slots[0]?.startMs).toBe(ok[0]?.slot.start);
      }),
      { numRuns: 50 },
    );
  });
});
