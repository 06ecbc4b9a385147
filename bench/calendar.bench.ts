// npm run bench:calendar — 500 concurrent release tracks, 50 recurring windows, 20 shared
// resources, a one-year horizon: conflict detection for every track's slot and the scheduling
// assistant for every track. The baseline is merely expanding the same 50 windows over the same
// year in the same process; the figure is the ratio. Target: the full run under 2 s.

import { indexCalendars } from "../src/core/calendar/calendar-index.js";
import type { Booking, CalendarWorld, ScheduledChange } from "../src/core/calendar/calendar-world.js";
import { checkSlot } from "../src/core/calendar/check-slot.js";
import { findSlots } from "../src/core/calendar/find-slots.js";
import type { Team } from "../src/core/calendar/working-hours.js";
import type { CalendarWindowSpec } from "../src/core/documents/kinds/calendar.js";

const TRACKS = 500;
const WINDOWS = 50;
const RESOURCES = 20;
const SERVICES = 200;
const HOUR = 3_600_000;
const YEAR = { start: Date.parse("2027-01-01T00:00:00Z"), end: Date.parse("2028-01-01T00:00:00Z") };

// mulberry32: a seeded generator so every run measures the same world.
let seed = 8;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pad = (n: number) => String(n).padStart(2, "0");

const zones = [
  "Europe/Berlin",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Kolkata",
  "Pacific/Chatham",
  "America/Sao_Paulo",
  "UTC",
];
const environments = Array.from({ length: 10 }, (_, i) => `env-${i}`);
const kinds = ["freeze", "freeze", "audit", "blackout", "maintenance"] as const;
const rules = [
  "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
  "FREQ=WEEKLY;BYDAY=FR",
  "FREQ=DAILY",
  "FREQ=MONTHLY;BYMONTHDAY=1",
  "FREQ=WEEKLY;BYDAY=SA,SU",
];

const windows: CalendarWindowSpec[] = Array.from({ length: WINDOWS }, (_, i) => {
  const kind = pick(kinds);
  const hour = int(0, 22);
  return {
    name: `w-${i}`,
    kind,
    timeZone: pick(zones),
    start: `2027-01-0${int(1, 7)}T${pad(hour)}:00`,
    duration: `PT${kind === "maintenance" ? int(6, 12) : int(1, 6)}H`,
    rrule: pick(rules),
    scope:
      kind === "maintenance"
        ? { environments: [pick(environments)] }
        : random() < 0.5
          ? { environments: [pick(environments)], tiers: [int(0, 3)] }
          : { labels: { team: `team-${int(0, 9)}` } },
    owner: `owner-${i % 7}`,
    emergencyOverride: random() < 0.5,
  };
});

const services = Object.fromEntries(
  Array.from({ length: SERVICES }, (_, i) => [
    `svc-${i}`,
    { tier: i % 4, labels: { team: `team-${i % 10}` }, dependsOn: i > 5 ? [`svc-${i - int(1, 5)}`] : [] },
  ]),
);

const teams: Team[] = [
  {
    name: "berlin",
    timeZone: "Europe/Berlin",
    workingHours: { days: ["MO", "TU", "WE", "TH", "FR"], start: "08:00", end: "18:00" },
  },
  {
    name: "nyc",
    timeZone: "America/New_York",
    workingHours: { days: ["MO", "TU", "WE", "TH", "FR"], start: "08:00", end: "18:00" },
  },
  {
    name: "bangalore",
    timeZone: "Asia/Kolkata",
    workingHours: { days: ["MO", "TU", "WE", "TH", "FR"], start: "09:00", end: "19:00" },
  },
];

const resources = Array.from({ length: RESOURCES }, (_, i) => ({
  name: `res-${i}`,
  spec:
    i % 5 === 0
      ? {
          type: "team" as const,
          capacity: int(1, 3),
          timeZone: pick(zones),
          workingHours: {
            days: ["MO", "TU", "WE", "TH", "FR"] as ("MO" | "TU" | "WE" | "TH" | "FR")[],
            start: "07:00",
            end: "20:00",
          },
        }
      : { type: "environment" as const, capacity: int(1, 4) },
}));

const tracks = Array.from({ length: TRACKS }, (_, i) => {
  const start = YEAR.start + int(0, 360 * 24) * HOUR;
  const durationMs = int(1, 8) * HOUR;
  const needs = Array.from({ length: int(1, 2) }, () => ({
    resource: `res-${int(0, RESOURCES - 1)}`,
    units: 1,
    durationMs: int(1, 4) * HOUR,
  }));
  return {
    id: `track-${i}`,
    environment: pick(environments),
    services: Array.from({ length: int(1, 5) }, () => `svc-${int(0, SERVICES - 1)}`),
    start,
    durationMs,
    needs,
    teams: Array.from(new Set([pick(teams), pick(teams)])),
  };
});

const changes: ScheduledChange[] = tracks.map((t) => ({
  id: t.id,
  state: "scheduled",
  environment: t.environment,
  services: t.services,
  start: t.start,
  end: t.start + t.durationMs,
}));
const bookings: Booking[] = tracks.flatMap((t) =>
  t.needs.map((n, j) => ({
    id: `${t.id}-b${j}`,
    resource: n.resource,
    holder: t.id,
    start: t.start,
    end: t.start + (n.durationMs ?? t.durationMs),
    units: n.units,
  })),
);
const world: CalendarWorld = {
  calendars: [{ name: "fleet", spec: { windows } }],
  environments: Object.fromEntries(environments.map((e) => [e, {}])),
  services,
  resources,
  changes,
  bookings,
};

function median(runs: number, work: () => void): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    work();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? 0;
}

const horizon = { start: YEAR.start, end: YEAR.end + 91 * 24 * HOUR };
let occurrences = 0;
const baselineMs = median(5, () => {
  occurrences = indexCalendars(world.calendars, horizon).windows.reduce(
    (n, w) => n + w.occurrences.length,
    0,
  );
});

let conflicts = 0;
let found = 0;
let none = 0;
const fullMs = median(3, () => {
  conflicts = 0;
  found = 0;
  none = 0;
  const index = indexCalendars(world.calendars, horizon);
  for (const t of tracks) {
    conflicts += checkSlot(
      world,
      { ...t, teams: t.teams.map((x) => x.name), end: t.start + t.durationMs },
      index,
    ).conflicts.length;
    const answer = findSlots(world, { ...t, after: t.start, count: 3 }, index);
    if (answer.kind === "found") found++;
    else none++;
  }
});

console.log(
  `calendar: ${TRACKS} tracks, ${WINDOWS} recurring windows (${occurrences} occurrences), ${RESOURCES} resources, ${bookings.length} bookings, one-year horizon`,
);
console.log(`  baseline  expand the windows over the horizon      ${baselineMs.toFixed(1)} ms`);
console.log(
  `  full      check every slot + assistant per track   ${fullMs.toFixed(1)} ms  (${conflicts} conflicts; slots found for ${found}, none for ${none})`,
);
console.log(
  `  ratio     ${(fullMs / baselineMs).toFixed(1)}x the baseline; target under 2000 ms: ${fullMs < 2000 ? "target met" : "TARGET MISSED"}`,
);
