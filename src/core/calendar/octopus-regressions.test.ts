import { describe, expect, it } from "vitest";
import { activeWindows } from "./active-windows.js";
import { renderAgenda } from "./agenda.js";
import type { CalendarWorld, NamedCalendar } from "./calendar-world.js";
import { checkSlot } from "./check-slot.js";

// Regression tests for the freeze bugs in Octopus Deploy's tracker named in issue 8.
const at = (iso: string) => Date.parse(iso);
const names = (calendars: readonly NamedCalendar[], iso: string) =>
  activeWindows(calendars, at(iso)).map((o) => o.window.spec.name);

const world = (calendars: readonly NamedCalendar[]): CalendarWorld => ({
  calendars,
  environments: { prod: {} },
  services: { orders: { tier: 1 } },
  resources: [],
  changes: [],
  bookings: [],
});

describe("OctopusDeploy#9291: a weekly recurring freeze is active at its local time in any zone", () => {
  const calendars: NamedCalendar[] = [
    {
      name: "weekend",
      spec: {
        windows: [
          {
            name: "weekend-freeze",
            kind: "freeze",
            timeZone: "America/Los_Angeles",
            start: "2027-01-01T18:00",
            end: "2027-01-04T08:00",
            rrule: "FREQ=WEEKLY",
          },
        ],
      },
    },
  ];

  it("is active on Saturday noon Los Angeles, which is already Sunday morning in Sydney", () => {
    expect(names(calendars, "2027-01-09T20:00:00Z")).toEqual(["weekend-freeze"]);
  });

  it("starts at Friday 18:00 and ends Monday 08:00 Los Angeles time, to the minute", () => {
    expect(names(calendars, "2027-01-09T01:59:00Z")).toEqual([]);
    expect(names(calendars, "2027-01-09T02:00:00Z")).toEqual(["weekend-freeze"]);
    expect(names(calendars, "2027-01-11T15:59:00Z")).toEqual(["weekend-freeze"]);
    expect(names(calendars, "2027-01-11T16:00:00Z")).toEqual([]);
  });

  it("follows Los Angeles' own DST change (PDT from 2027-03-14), not the viewer's", () => {
    expect(names(calendars, "2027-03-20T01:00:00Z")).toEqual(["weekend-freeze"]); // Fri 18:00 PDT
    expect(names(calendars, "2027-03-20T00:59:00Z")).toEqual([]);
  });
});

describe("OctopusDeploy#9262: weekday freezes are reported active on weekdays", () => {
  const calendars: NamedCalendar[] = [
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
  ];

  it("is active on every weekday at noon Berlin time and on no weekend day", () => {
    const days = ["04", "05", "06", "07", "08", "09", "10"].map(
      (d) => names(calendars, `2027-01-${d}T11:00:00Z`).length,
    );
    expect(days).toEqual([1, 1, 1, 1, 1, 0, 0]);
  });

  it("is reported for prod and not for staging", () => {
    expect(activeWindows(calendars, at("2027-01-06T11:00:00Z"), { environment: "prod" })).toHaveLength(1);
    expect(activeWindows(calendars, at("2027-01-06T11:00:00Z"), { environment: "staging" })).toHaveLength(0);
  });
});

describe("OctopusDeploy#9621: a future one-off freeze does not block today", () => {
  const calendars: NamedCalendar[] = [
    {
      name: "prod-calendar",
      spec: {
        windows: [
          {
            name: "year-end",
            kind: "freeze",
            timeZone: "UTC",
            start: "2027-12-20T00:00",
            end: "2028-01-03T00:00",
          },
        ],
      },
    },
  ];

  it("leaves a change today free and blocks one inside the freeze", () => {
    const today = {
      environment: "prod",
      services: ["orders"],
      start: at("2027-11-27T10:00:00Z"),
      end: at("2027-11-27T12:00:00Z"),
    };
    expect(checkSlot(world(calendars), today).conflicts).toEqual([]);
    const later = { ...today, start: at("2027-12-21T10:00:00Z"), end: at("2027-12-21T12:00:00Z") };
    expect(checkSlot(world(calendars), later).conflicts.map((c) => c.kind)).toEqual(["freeze"]);
  });
});

describe("OctopusDeploy#9403: freezes display at their local time on both sides of DST", () => {
  const calendars: NamedCalendar[] = [
    {
      name: "prod-calendar",
      spec: {
        windows: [
          {
            name: "evening-freeze",
            kind: "freeze",
            timeZone: "Europe/Berlin",
            start: "2027-03-26T18:00",
            end: "2027-03-26T22:00",
            rrule: "FREQ=DAILY;COUNT=3",
          },
        ],
      },
    },
  ];

  it("shows 18:00–22:00 with +01:00 before and +02:00 after the change", () => {
    const agenda = renderAgenda(
      world(calendars),
      { start: at("2027-03-26T00:00:00Z"), end: at("2027-03-29T00:00:00Z") },
      { timeZone: "Europe/Berlin" },
    );
    expect(agenda).toContain("2027-03-26 Fri");
    expect(agenda).toMatch(/18:00–22:00 \+01:00\s+freeze\s+prod-calendar\/evening-freeze/);
    expect(agenda).toMatch(/2027-03-28 Sun\n\s+18:00–22:00 \+02:00/);
  });
});

describe("OctopusDeploy#8320: freezes in zones west of UTC", () => {
  const calendars: NamedCalendar[] = [
    {
      name: "americas",
      spec: {
        windows: [
          {
            name: "sao-paulo-night",
            kind: "freeze",
            timeZone: "America/Sao_Paulo",
            start: "2027-01-04T20:00",
            end: "2027-01-04T23:00",
          },
        ],
      },
    },
  ];

  it("is active on the next UTC day and not at 20:00 UTC of its own date", () => {
    expect(names(calendars, "2027-01-04T20:00:00Z")).toEqual([]);
    expect(names(calendars, "2027-01-04T23:00:00Z")).toEqual(["sao-paulo-night"]);
    expect(names(calendars, "2027-01-05T01:59:00Z")).toEqual(["sao-paulo-night"]);
    expect(names(calendars, "2027-01-05T02:00:00Z")).toEqual([]);
  });
});
