import { DateTime } from "luxon";
import { type CalendarEntry, type CalendarFilter, calendarEntries } from "./calendar-entries.js";
import type { CalendarWorld } from "./calendar-world.js";
import type { TimeRange } from "./time-range.js";

/** How `upshift calendar` shows an agenda. */
export interface AgendaOptions extends CalendarFilter {
  /** The zone times are shown in (`--tz`); UTC when left out. */
  readonly timeZone?: string;
}

/**
 * A plain-text agenda for a terminal: one heading per local day in the display zone, one line
 * per window occurrence or change, each with its offset that day, and the window's own local
 * time when its zone differs from the display zone.
 */
export function renderAgenda(world: CalendarWorld, range: TimeRange, options: AgendaOptions = {}): string {
  const zone = options.timeZone ?? "UTC";
  const entries = calendarEntries(world, range, options);
  if (entries.length === 0) return "no windows or changes in this range\n";
  const lines: string[] = [];
  let day = "";
  for (const entry of entries) {
    const start = DateTime.fromMillis(Math.max(entry.start, range.start), { zone });
    const heading = start.toFormat("yyyy-LL-dd ccc");
    if (heading !== day) {
      day = heading;
      lines.push(heading);
    }
    lines.push(`  ${span(entry, zone)}  ${describe(entry, zone)}`);
  }
  return `${lines.join("\n")}\n`;
}

function span(entry: CalendarEntry, zone: string): string {
  const start = DateTime.fromMillis(entry.start, { zone });
  const end = DateTime.fromMillis(entry.end, { zone });
  const endText = end.hasSame(start, "day") ? end.toFormat("HH:mm") : end.toFormat("LL-dd HH:mm");
  return `${start.toFormat("HH:mm")}–${endText} ${start.toFormat("ZZ")}`.padEnd(20);
}

function describe(entry: CalendarEntry, zone: string): string {
  switch (entry.kind) {
    case "window": {
      const { window, localStart } = entry.occurrence;
      const spec = window.spec;
      const local =
        window.timeZone === zone
          ? ""
          : ` [${localStart.slice(0, 16).replace("T", " ")}–${DateTime.fromMillis(entry.end, { zone: window.timeZone }).toFormat("HH:mm")} ${window.timeZone}]`;
      const extras = [spec.owner && `owner ${spec.owner}`, spec.reason].filter(Boolean).join("; ");
      return `${spec.kind.padEnd(12)}${window.calendar}/${spec.name}${local}${extras ? ` — ${extras}` : ""}`;
    }
    case "change": {
      const c = entry.change;
      const owner = c.owner === undefined ? "" : ` — owner ${c.owner}`;
      return `${"change".padEnd(12)}${c.id} ${c.services.join(", ")} in ${c.environment} (${c.state})${owner}`;
    }
    default: {
      const never: never = entry;
      throw new Error(`unhandled entry ${JSON.stringify(never)}`);
    }
  }
}
