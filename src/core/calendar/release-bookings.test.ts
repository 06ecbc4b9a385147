import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateSources } from "../documents/validate-documents.js";
import { renderAgenda } from "./agenda.js";
import { indexCalendars } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import { checkSlot } from "./check-slot.js";
import type { ResourceConflict } from "./conflict.js";
import { findSlots, type SlotRequest } from "./find-slots.js";
import { releaseBookings, releaseNeeds } from "./release-bookings.js";
import { worldFromDocuments } from "./world-from-documents.js";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

const fleet = `apiVersion: upshift.dev/v1alpha1
kind: Environment
metadata: {name: staging}
spec: {order: 1, timeZone: Europe/Berlin}
---
apiVersion: upshift.dev/v1alpha1
kind: Environment
metadata: {name: prod}
spec: {order: 2, timeZone: Europe/Berlin}
---
apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: {name: orders}
spec: {version: 1.0.0}
---
apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: {name: search}
spec: {version: 1.0.0}
---
apiVersion: upshift.dev/v1alpha1
kind: Resource
metadata: {name: qa-env}
spec: {type: environment, capacity: 1, owner: qa}
---
apiVersion: upshift.dev/v1alpha1
kind: Resource
metadata: {name: dba-team}
spec: {type: team, capacity: 1, owner: dba}
---
apiVersion: upshift.dev/v1alpha1
kind: Release
metadata: {name: spring}
spec:
  owner: commerce
  environments: [staging, prod]
  changes: [{service: orders, version: 2.0.0}]
  window: {start: "2027-04-05T08:00:00", end: "2027-04-05T16:00:00", timeZone: Europe/Berlin}
  bookings:
    - {resource: qa-env, environment: staging, phase: staging tests, duration: 4h}
    - {resource: dba-team, environment: prod, phase: prod migration, offset: 6h, units: 1}
`;

const release = (name: string, service: string, window?: string) => `---
apiVersion: upshift.dev/v1alpha1
kind: Release
metadata: {name: ${name}}
spec:
  environments: [staging]
  changes: [{service: ${service}, version: 3.0.0}]
${window ?? ""}  bookings:
    - {resource: qa-env, environment: staging, phase: staging tests, duration: PT4H}
`;

const load = (text: string) => {
  const { documents, problems } = validateSources([{ name: "fleet.yaml", text }]);
  expect(problems).toEqual([]);
  return documents.map((d) => d.doc);
};

describe("Release bookings", () => {
  it("places a windowed release's phases as bookings held by the release track", () => {
    const world = worldFromDocuments(load(fleet));
    expect(world.bookings).toEqual([
      {
        id: "spring: staging tests",
        resource: "qa-env",
        holder: "spring",
        start: at("2027-04-05T06:00:00Z"),
        end: at("2027-04-05T10:00:00Z"),
        units: 1,
        environment: "staging",
        owner: "commerce",
      },
      {
        id: "spring: prod migration",
        resource: "dba-team",
        holder: "spring",
        start: at("2027-04-05T12:00:00Z"),
        end: at("2027-04-05T14:00:00Z"),
        units: 1,
        environment: "prod",
        owner: "commerce",
      },
    ]);
  });

  it("shows bookings in the agenda of their environment, not of others", () => {
    const world = worldFromDocuments(load(fleet));
    const day = { start: at("2027-04-05T00:00:00Z"), end: at("2027-04-06T00:00:00Z") };
    expect(renderAgenda(world, day, { environment: "staging", timeZone: "Europe/Berlin" })).toBe(
      "2027-04-05 Mon\n  08:00–12:00 +02:00              booking     qa-env ×1 for spring: staging tests — owner commerce\n",
    );
    expect(renderAgenda(world, day, { environment: "prod" })).toContain(
      "dba-team ×1 for spring: prod migration",
    );
    expect(renderAgenda(world, day, { environment: "prod" })).not.toContain("qa-env");
  });

  it("gives the needs of one environment's slot, relative to its start", () => {
    const [, , , , , , spring] = load(fleet);
    if (spring?.kind !== "Release") throw new Error("fixture");
    expect(releaseNeeds(spring.spec, "staging")).toEqual([
      { resource: "qa-env", units: 1, durationMs: 4 * HOUR },
    ]);
    expect(releaseNeeds(spring.spec, "prod")).toEqual([
      { resource: "dba-team", units: 1, offsetMs: 6 * HOUR },
    ]);
    expect(releaseNeeds(spring.spec, "dev")).toEqual([]);
    expect(releaseBookings("unscheduled", { ...spring.spec, window: undefined })).toEqual([]);
  });

  it("reports over-booking between concurrent release tracks, naming the competing booking", () => {
    const docs = load(fleet + release("search-3", "search"));
    const world = worldFromDocuments(docs);
    const searchRelease = docs.find((d) => d.metadata.name === "search-3");
    if (searchRelease?.kind !== "Release") throw new Error("fixture");
    const report = checkSlot(world, {
      id: "search-3",
      environment: "staging",
      services: ["search"],
      start: at("2027-04-05T08:00:00Z"),
      end: at("2027-04-05T14:00:00Z"),
      needs: releaseNeeds(searchRelease.spec, "staging"),
    });
    expect(report.conflicts).toEqual([
      expect.objectContaining<Partial<ResourceConflict>>({
        kind: "resource",
        resource: "qa-env",
        capacity: 1,
        demand: 2,
        bookings: ["spring: staging tests"],
        holders: ["spring"],
        start: "2027-04-05T08:00:00Z",
        end: "2027-04-05T10:00:00Z",
        owner: "qa",
        emergencyOverride: false,
      }),
    ]);
    // The release's own bookings never compete with its own slot.
    expect(
      checkSlot(world, {
        id: "spring",
        environment: "staging",
        services: ["orders"],
        start: at("2027-04-05T06:00:00Z"),
        end: at("2027-04-05T10:00:00Z"),
        needs: [{ resource: "qa-env", units: 1 }],
      }).conflicts,
    ).toEqual([]);
  });

  it("lets the assistant place a release after the competing track frees the QA environment", () => {
    const docs = load(fleet + release("search-3", "search"));
    const searchRelease = docs.find((d) => d.metadata.name === "search-3");
    if (searchRelease?.kind !== "Release") throw new Error("fixture");
    const answer = findSlots(worldFromDocuments(docs), {
      id: "search-3",
      environment: "staging",
      services: ["search"],
      durationMs: 6 * HOUR,
      needs: releaseNeeds(searchRelease.spec, "staging"),
      after: at("2027-04-05T04:00:00Z"),
      count: 1,
    });
    // 04:00 would need qa-env until 08:00, overlapping spring's 06:00-10:00 phase.
    expect(answer.kind === "found" && answer.slots[0]?.start).toBe("2027-04-05T10:00:00Z");
  });

  it("rejects a booking of an unknown resource and bad units, where they are written", () => {
    const text = fleet
      .replace("resource: qa-env, environment: staging", "resource: qa-envv, environment: staging")
      .replace("units: 1}", "units: 0}");
    const { problems } = validateSources([{ name: "fleet.yaml", text }]);
    expect(problems.map((p) => [p.line, p.path])).toEqual([[41, "spec.bookings[1].units"]]);
    const refs = validateSources([
      {
        name: "fleet.yaml",
        text: fleet.replace(
          "resource: qa-env, environment: staging",
          "resource: qa-envv, environment: staging",
        ),
      },
    ]).problems;
    expect(refs.map((p) => [p.line, p.path, p.code, p.message])).toEqual([
      [40, "spec.bookings[0].resource", "ref.unknown-resource", expect.stringContaining('"qa-envv"')],
    ]);
  });
});

describe("Release bookings (property): the assistant never over-books, and none means none", () => {
  const t0 = at("2027-03-22T00:00:00Z");
  const horizonMs = 5 * 24 * HOUR;
  const arbTracks = fc.record({
    capacity: fc.integer({ min: 1, max: 2 }),
    tracks: fc.array(
      fc.record({
        startH: fc.integer({ min: 0, max: 110 }),
        hours: fc.integer({ min: 2, max: 30 }),
        phases: fc.array(
          fc.record({
            resource: fc.constantFrom("qa-env", "dba-team"),
            offsetH: fc.integer({ min: 0, max: 6 }),
            hours: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
            units: fc.integer({ min: 1, max: 2 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      { maxLength: 8 },
    ),
    mine: fc.record({
      durationH: fc.integer({ min: 1, max: 10 }),
      phases: fc.array(
        fc.record({
          resource: fc.constantFrom("qa-env", "dba-team"),
          offsetH: fc.integer({ min: 0, max: 3 }),
          hours: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  });

  it("agrees with a brute-force scan of every start on the grid", () => {
    const day = (h: number) => new Date(t0 + h * HOUR).toISOString().slice(0, 19);
    fc.assert(
      fc.property(arbTracks, ({ capacity, tracks, mine }) => {
        const world: CalendarWorld = {
          ...worldFromDocuments([]),
          environments: { staging: {} },
          services: { orders: {} },
          resources: [
            { name: "qa-env", spec: { capacity } },
            { name: "dba-team", spec: { capacity: 1 } },
          ],
          bookings: tracks.flatMap((t, i) =>
            releaseBookings(`track-${i}`, {
              environments: ["staging"],
              changes: [{ service: "orders", version: "2.0.0" }],
              window: { start: day(t.startH), end: day(t.startH + t.hours) },
              bookings: t.phases.map((p) => ({
                resource: p.resource,
                environment: "staging",
                units: p.units,
                offset: `${p.offsetH}h`,
                ...(p.hours === undefined ? {} : { duration: `${p.hours}h` }),
              })),
            }),
          ),
        };
        const needs = releaseNeeds(
          {
            environments: ["staging"],
            changes: [{ service: "orders", version: "2.0.0" }],
            bookings: mine.phases.map((p) => ({
              resource: p.resource,
              environment: "staging",
              offset: `${p.offsetH}h`,
              ...(p.hours === undefined ? {} : { duration: `${p.hours}h` }),
            })),
          },
          "staging",
        );
        const req: SlotRequest = {
          id: "mine",
          environment: "staging",
          services: ["orders"],
          durationMs: mine.durationH * HOUR,
          needs,
          after: t0,
          horizonMs,
          stepMs: HOUR,
          count: 3,
        };
        const index = indexCalendars([], { start: t0, end: t0 + horizonMs + req.durationMs });
        const conflictsAt = (s: number) =>
          checkSlot(world, { ...req, teams: [], start: s, end: s + req.durationMs }, index).conflicts;
        const answer = findSlots(world, req, index);
        const free: number[] = [];
        for (let s = t0; s < t0 + horizonMs; s += HOUR) if (conflictsAt(s).length === 0) free.push(s);
        if (answer.kind === "none") {
          expect(free).toEqual([]);
          expect(answer.days.every((d) => d.blockedBy.some((b) => b.kind === "resource"))).toBe(true);
          return;
        }
        for (const p of answer.slots) expect(conflictsAt(p.startMs)).toEqual([]);
        expect(answer.slots[0]?.startMs).toBe(free[0]);
      }),
      { numRuns: 60 },
    );
  });
});
