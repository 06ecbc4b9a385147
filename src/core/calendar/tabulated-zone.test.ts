import fc from "fast-check";
import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { tabulatedZone } from "./tabulated-zone.js";
import { zoneTransitions } from "./zone-transitions.js";

describe("tabulatedZone", () => {
  const zones = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Africa/Casablanca",
  ];

  const years = { start: Date.parse("2025-01-01T00:00:00Z"), end: Date.parse("2030-01-01T00:00:00Z") };

  it("answers every offset exactly as Luxon's own IANA zone, especially around transitions (property)", () => {
    const near = zones.flatMap((zone) => zoneTransitions(zone, years).map((t) => [zone, t.instant] as const));
    expect(near.length).toBeGreaterThan(50);
    const instant = fc.oneof(
      fc.tuple(fc.constantFrom(...zones), fc.integer({ min: years.start, max: years.end })),
      fc
        .tuple(fc.constantFrom(...near), fc.integer({ min: -7_200_000, max: 7_200_000 }))
        .map(([[zone, t], d]) => [zone, t + d] as const),
    );
    fc.assert(
      fc.property(instant, ([zone, ts]) => {
        expect(tabulatedZone(zone).offset(ts)).toBe(IANAZone.create(zone).offset(ts));
      }),
      { numRuns: 1500 },
    );
  });

  it("switches at the exact second of a transition (Berlin, 2027-03-28 01:00:00Z)", () => {
    const zone = tabulatedZone("Europe/Berlin");
    expect(zone.offset(Date.parse("2027-03-28T00:59:59Z"))).toBe(60);
    expect(zone.offset(Date.parse("2027-03-28T01:00:00Z"))).toBe(120);
  });
});
