import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexCalendars } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import { checkSlot } from "./check-slot.js";
import { namedTeams, teamsForEnvironment } from "./region-teams.js";
import { type CutoverRequest, type CutoverWave, scheduleCutover } from "./schedule-cutover.js";
import { complementRanges } from "./time-range.js";
import { type Team, workingHoursRanges } from "./working-hours.js";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const weekdays = ["MO", "TU", "WE", "TH", "FR"] as const;
const teamResource = (name: string, timeZone: string, region: string, start: string, end: string) => ({
  name,
  spec: {
    type: "team" as const,
    capacity: 1,
    timeZone,
    region,
    workingHours: { days: [...weekdays], start, end },
  },
});

const world: CalendarWorld = {
  calendars: [],
  environments: {
    "prod-eu": { region: "eu", timeZone: "Europe/Berlin" },
    "prod-us": { region: "us", timeZone: "America/New_York" },
    "prod-ap": { region: "ap", timeZone: "Australia/Sydney" },
  },
  services: { orders: {} },
  resources: [
    teamResource("sre-berlin", "Europe/Berlin", "eu", "08:00", "18:00"),
    teamResource("sre-nyc", "America/New_York", "us", "08:00", "18:00"),
    teamResource("sre-sydney", "Australia/Sydney", "ap", "08:00", "18:00"),
    { name: "qa-env", spec: { capacity: 1 } },
  ],
  changes: [],
  bookings: [],
};

const teams = namedTeams(world, ["sre-berlin", "sre-nyc", "sre-sydney"]);
const wave = (environment: string, hours: number): CutoverWave => ({
  environment,
  services: ["orders"],
  durationMs: hours * HOUR,
  teams: teamsForEnvironment(world, teams, environment),
});

describe("scheduleCutover", () => {
  it("maps each region's environment to its own team", () => {
    expect(teamsForEnvironment(world, teams, "prod-us").map((t) => t.name)).toEqual(["sre-nyc"]);
    expect(() => namedTeams(world, ["qa-env"])).toThrow(
      /"qa-env" is named as a team but has no spec.workingHours/,
    );
    expect(() => namedTeams(world, ["sre-paris"])).toThrow(/no Resource named "sre-paris"/);
  });

  it("prefers the overlap of Berlin's and New York's hours for an EU then US cutover", () => {
    // Winter: Berlin 07:00-17:00Z, New York 13:00-23:00Z; the overlap is 13:00-17:00Z.
    const answer = scheduleCutover(world, {
      id: "spring",
      waves: [wave("prod-eu", 2), wave("prod-us", 2)],
      after: at("2027-01-04T00:00:00Z"),
    });
    expect(answer).toMatchObject({
      kind: "found",
      coverage: "overlap",
      waves: [
        { environment: "prod-eu", start: "2027-01-04T13:00:00Z", end: "2027-01-04T15:00:00Z" },
        { environment: "prod-us", start: "2027-01-04T15:00:00Z", end: "2027-01-04T17:00:00Z" },
      ],
      alternative: { coverage: "follow-the-sun" },
    });
  });

  it("follows the sun wave by wave when Sydney's, Berlin's and New York's hours never all overlap", () => {
    const answer = scheduleCutover(world, {
      waves: [wave("prod-ap", 3), wave("prod-eu", 3), wave("prod-us", 3)],
      after: at("2027-01-04T00:00:00Z"),
    });
    // Sydney (UTC+11 in January) 08:00 Monday is Sunday 21:00Z, so its first Monday slot starts
    // at 00:00Z; Berlin follows at 07:00Z (08:00 CET), New York at 13:00Z (08:00 EST).
    expect(answer).toMatchObject({
      kind: "found",
      coverage: "follow-the-sun",
      waves: [
        { environment: "prod-ap", start: "2027-01-04T00:00:00Z", teams: ["sre-sydney"] },
        { environment: "prod-eu", start: "2027-01-04T07:00:00Z", teams: ["sre-berlin"] },
        { environment: "prod-us", start: "2027-01-04T13:00:00Z", teams: ["sre-nyc"] },
      ],
    });
    expect(answer.kind === "found" && answer.alternative).toBe(undefined);
  });

  it("names the wave that cannot be placed and what blocks each of its days", () => {
    const answer = scheduleCutover(world, {
      waves: [wave("prod-eu", 2), wave("prod-us", 11)],
      after: at("2027-01-04T00:00:00Z"),
      horizonMs: 2 * 24 * HOUR,
    });
    // An 11-hour wave never fits New York's 10-hour day; its days are New York's local days.
    const blockedByHours = {
      blockedBy: [
        expect.objectContaining({
          kind: "team-hours",
          constraint: "shared working hours of sre-nyc",
          wholeDay: true,
        }),
      ],
    };
    expect(answer).toEqual({
      kind: "none",
      environment: "prod-us",
      days: [
        { date: "2027-01-04", ...blockedByHours },
        { date: "2027-01-05", ...blockedByHours },
      ],
    });
  });
});

describe("scheduleCutover (property): no wave conflicts, waves in order, teams at work", () => {
  const t0 = at("2027-03-22T00:00:00Z");
  const arb = fc.record({
    waves: fc.array(
      fc.record({
        environment: fc.constantFrom("prod-eu", "prod-us", "prod-ap"),
        hours: fc.integer({ min: 1, max: 6 }),
        qa: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    bookings: fc.array(
      fc.record({ startH: fc.integer({ min: 0, max: 100 }), hours: fc.integer({ min: 1, max: 20 }) }),
      { maxLength: 5 },
    ),
  });
  const within = (r: { start: number; end: number }, team: Team) =>
    complementRanges(workingHoursRanges(team.workingHours, team.timeZone, r), r).length === 0;

  it("holds on random cutovers with a contended QA environment", () => {
    fc.assert(
      fc.property(arb, (input) => {
        const w: CalendarWorld = {
          ...world,
          bookings: input.bookings.map((b, i) => ({
            id: `b${i}`,
            resource: "qa-env",
            holder: `other-${i}`,
            start: t0 + b.startH * HOUR,
            end: t0 + (b.startH + b.hours) * HOUR,
            units: 1,
          })),
        };
        const request: CutoverRequest = {
          id: "mine",
          waves: input.waves.map((x) => ({
            ...wave(x.environment, x.hours),
            ...(x.qa ? { needs: [{ resource: "qa-env", units: 1, durationMs: HOUR }] } : {}),
          })),
          after: t0,
          horizonMs: 7 * 24 * HOUR,
          stepMs: HOUR,
        };
        const index = indexCalendars([], { start: t0, end: t0 + 8 * 24 * HOUR });
        const answer = scheduleCutover(w, request, index);
        if (answer.kind === "none") return;
        for (const plan of [answer, ...(answer.alternative ? [answer.alternative] : [])]) {
          plan.waves.forEach((s, i) => {
            const req = request.waves[i]!;
            expect(s.endMs - s.startMs).toBe(req.durationMs);
            if (i > 0) expect(s.startMs).toBeGreaterThanOrEqual(plan.waves[i - 1]!.endMs);
            if (plan.coverage === "overlap" && i > 0) expect(s.startMs).toBe(plan.waves[i - 1]!.endMs);
            const slot = { start: s.startMs, end: s.endMs };
            expect(
              checkSlot(w, { ...req, id: "mine", teams: [...s.teams], ...slot }, index).conflicts,
            ).toEqual([]);
            const onDuty = teams.filter((t) => s.teams.includes(t.name));
            expect(onDuty.every((t) => within(slot, t))).toBe(true);
            if (plan.coverage === "follow-the-sun") expect(s.teams).toEqual(req.teams.map((t) => t.name));
          });
        }
      }),
      { numRuns: 40 },
    );
  });
});
