import { describe, expect, it } from "vitest";
import type { CalendarWindowSpec } from "../documents/kinds/calendar.js";
import { compileWindow } from "./compiled-window.js";
import { isoInstant } from "./time-range.js";
import { windowOccurrences } from "./window-occurrence.js";

const at = (iso: string) => Date.parse(iso);

function expand(
  spec: Partial<CalendarWindowSpec> & Pick<CalendarWindowSpec, "start">,
  from: string,
  to: string,
) {
  const window = compileWindow("cal", { name: "w", kind: "freeze", ...spec });
  return windowOccurrences(window, { start: at(from), end: at(to) }).map((o) => ({
    start: isoInstant(o.start),
    end: isoInstant(o.end),
    adjustment: o.adjustment,
  }));
}

describe("windowOccurrences: wall-clock times stay put across DST", () => {
  it("keeps a Berlin 09:00-17:00 weekday window at 09:00-17:00 local across spring forward", () => {
    const occ = expand(
      {
        timeZone: "Europe/Berlin",
        start: "2027-03-25T09:00:00",
        end: "2027-03-25T17:00:00",
        rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
      },
      "2027-03-25T00:00:00Z",
      "2027-03-30T00:00:00Z",
    );
    expect(occ.map((o) => [o.start, o.end])).toEqual([
      ["2027-03-25T08:00:00Z", "2027-03-25T16:00:00Z"],
      ["2027-03-26T08:00:00Z", "2027-03-26T16:00:00Z"],
      ["2027-03-29T07:00:00Z", "2027-03-29T15:00:00Z"],
    ]);
  });

  it("runs a daily overnight window from its local start to its local end on the next day", () => {
    const occ = expand(
      {
        timeZone: "America/New_York",
        start: "2027-11-05T22:00",
        end: "2027-11-06T06:00",
        rrule: "FREQ=DAILY",
      },
      "2027-11-06T00:00:00Z",
      "2027-11-08T12:00:00Z",
    );
    // 2027-11-07 02:00 EDT -> 01:00 EST: the night that contains the change lasts 9 hours.
    expect(occ.map((o) => [o.start, o.end])).toEqual([
      ["2027-11-06T02:00:00Z", "2027-11-06T10:00:00Z"],
      ["2027-11-07T02:00:00Z", "2027-11-07T11:00:00Z"],
      ["2027-11-08T03:00:00Z", "2027-11-08T11:00:00Z"],
    ]);
  });

  it("treats a nominal duration (P1D) on the wall clock and an exact one (PT24H) on the instant line", () => {
    const nominal = expand(
      { timeZone: "Europe/Berlin", start: "2027-03-27T12:00", duration: "P1D" },
      "2027-03-27T00:00:00Z",
      "2027-03-29T00:00:00Z",
    );
    const exact = expand(
      { timeZone: "Europe/Berlin", start: "2027-03-27T12:00", duration: "24h" },
      "2027-03-27T00:00:00Z",
      "2027-03-29T00:00:00Z",
    );
    expect(nominal[0]?.end).toBe("2027-03-28T10:00:00Z");
    expect(exact[0]?.end).toBe("2027-03-28T11:00:00Z");
  });

  it("drops EXDATE occurrences and adds RDATE ones, matching on local start time", () => {
    const occ = expand(
      {
        timeZone: "Asia/Kolkata",
        start: "2027-01-04T10:00",
        end: "2027-01-04T11:30",
        rrule: "FREQ=DAILY;COUNT=3",
        exdates: ["2027-01-05T10:00"],
        rdates: ["2027-01-10T10:00"],
      },
      "2027-01-01T00:00:00Z",
      "2027-02-01T00:00:00Z",
    );
    expect(occ.map((o) => o.start)).toEqual([
      "2027-01-04T04:30:00Z",
      "2027-01-06T04:30:00Z",
      "2027-01-10T04:30:00Z",
    ]);
  });

  it("reads a UTC UNTIL as an instant, not as a wall time", () => {
    // Last Monday 09:00 Sydney (AEDT, UTC+11) is 2027-01-10T22:00Z; UNTIL just after it keeps it.
    const occ = expand(
      {
        timeZone: "Australia/Sydney",
        start: "2027-01-04T09:00",
        duration: "1h",
        rrule: "FREQ=WEEKLY;UNTIL=20270110T220000Z",
      },
      "2027-01-01T00:00:00Z",
      "2027-02-01T00:00:00Z",
    );
    expect(occ.map((o) => o.start)).toEqual(["2027-01-03T22:00:00Z", "2027-01-10T22:00:00Z"]);
  });
});

describe("windowOccurrences: a start the rule does not produce (RFC 5545 §3.8.5.3)", () => {
  it("is still the first occurrence and counts toward COUNT", () => {
    // 2027-01-02 is a Saturday; the rule only yields Mondays.
    const occ = expand(
      { timeZone: "UTC", start: "2027-01-02T10:00", duration: "1h", rrule: "FREQ=WEEKLY;BYDAY=MO;COUNT=3" },
      "2027-01-01T00:00:00Z",
      "2027-03-01T00:00:00Z",
    );
    expect(occ.map((o) => o.start)).toEqual([
      "2027-01-02T10:00:00Z",
      "2027-01-04T10:00:00Z",
      "2027-01-11T10:00:00Z",
    ]);
  });
});

describe("windowOccurrences: nonexistent and repeated local times (RFC 5545 §3.3.5)", () => {
  const cases = [
    // zone, nonexistent local time, its instant (offset before the gap), repeated local time, its first instant
    ["Europe/Berlin", "2027-03-28T02:30", "2027-03-28T01:30:00Z", "2027-10-31T02:30", "2027-10-31T00:30:00Z"],
    [
      "America/New_York",
      "2027-03-14T02:30",
      "2027-03-14T07:30:00Z",
      "2027-11-07T01:30",
      "2027-11-07T05:30:00Z",
    ],
    [
      "Australia/Sydney",
      "2027-10-03T02:30",
      "2027-10-02T16:30:00Z",
      "2027-04-04T02:30",
      "2027-04-03T15:30:00Z",
    ],
    [
      "Pacific/Chatham",
      "2027-09-26T03:00",
      "2027-09-25T14:15:00Z",
      "2027-04-04T03:00",
      "2027-04-03T13:15:00Z",
    ],
  ] as const;

  for (const [zone, gap, gapInstant, repeated, repeatedInstant] of cases) {
    it(`${zone}: a start in the spring-forward gap uses the offset before the gap`, () => {
      const occ = expand(
        { timeZone: zone, start: gap, duration: "PT1H" },
        "2027-01-01T00:00:00Z",
        "2028-01-01T00:00:00Z",
      );
      expect(occ).toEqual([
        { start: gapInstant, end: isoInstant(at(gapInstant) + 3_600_000), adjustment: "gap" },
      ]);
    });

    it(`${zone}: a repeated fall-back time means its first occurrence`, () => {
      const occ = expand(
        { timeZone: zone, start: repeated, duration: "PT1H" },
        "2027-01-01T00:00:00Z",
        "2028-01-01T00:00:00Z",
      );
      expect(occ).toEqual([
        { start: repeatedInstant, end: isoInstant(at(repeatedInstant) + 3_600_000), adjustment: "repeated" },
      ]);
    });
  }

  it("Asia/Kolkata keeps its half-hour offset all year (no adjustment)", () => {
    const occ = expand(
      { timeZone: "Asia/Kolkata", start: "2027-01-01T09:00", end: "2027-01-01T17:00", rrule: "FREQ=MONTHLY" },
      "2027-01-01T00:00:00Z",
      "2028-01-01T00:00:00Z",
    );
    expect(occ).toHaveLength(12);
    expect(new Set(occ.map((o) => o.start.slice(11)))).toEqual(new Set(["03:30:00Z"]));
    expect(occ.every((o) => o.adjustment === "exact")).toBe(true);
  });
});

describe("windowOccurrences: the International Date Line", () => {
  it("a window in Samoa across the day it skipped (2011-12-30) lasts 4 real hours", () => {
    // Pacific/Apia moved from UTC-10 to UTC+14 at the end of 2011-12-29.
    const occ = expand(
      { timeZone: "Pacific/Apia", start: "2011-12-29T22:00", end: "2011-12-31T02:00" },
      "2011-12-01T00:00:00Z",
      "2012-01-31T00:00:00Z",
    );
    expect(occ.map((o) => [o.start, o.end])).toEqual([["2011-12-30T08:00:00Z", "2011-12-30T12:00:00Z"]]);
  });

  it("a Monday window in Pacific/Kiritimati (UTC+14) is still Sunday in Honolulu (UTC-10)", () => {
    const occ = expand(
      { timeZone: "Pacific/Kiritimati", start: "2027-01-04T08:00", end: "2027-01-04T12:00" },
      "2027-01-03T00:00:00Z",
      "2027-01-04T00:00:00Z",
    );
    expect(occ.map((o) => [o.start, o.end])).toEqual([["2027-01-03T18:00:00Z", "2027-01-03T22:00:00Z"]]);
  });
});
