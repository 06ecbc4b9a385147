import { DateTime } from "luxon";
import { type CalendarEntry, type CalendarFilter, calendarEntries } from "./calendar-entries.js";
import type { CalendarWorld } from "./calendar-world.js";
import { tabulatedZone } from "./tabulated-zone.js";
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
    const shown = DateTime.fromMillis(Math.max(entry.start, range.start), { zone: tabulatedZone(zone) });
    const heading = shown.toFormat("yyyy-LL-dd ccc");
    if (heading !== day) {
      day = heading;
      lines.push(heading);
    }
    lines.push(`  ${span(entry, zone, shown)}  ${describe(entry, zone)}`);
  }
  return `${lines.join("\n")}\n`;
}

function span(entry: CalendarEntry, zone: string, heading: DateTime): string {
  const start = DateTime.fromMillis(entry.start, { zone: tabulatedZone(zone) });
  const end = DateTime.fromMillis(entry.end, { zone: tabulatedZone(zone) });
  const startText = start.hasSame(heading, "day") ? start.toFormat("HH:mm") : start.toFormat("LL-dd HH:mm");
  const endText = end.hasSame(start, "day") ? end.toFormat("HH:mm") : end.toFormat("LL-dd HH:mm");
  return `${startText}–${endText} ${start.toFormat("ZZ")}`.padEnd(30);
}

function describe(entry: CalendarEntry, zone: string): string {
  switch (entry.kind) {
    case "window": {
      const { window, localStart } = entry.occurrence;
      const spec = window.spec;
      const localEnd = DateTime.fromMillis(entry.end, { zone: tabulatedZone(window.timeZone) });
      const endFormat =
        localEnd.toFormat("yyyy-LL-dd") === localStart.slice(0, 10) ? "HH:mm" : "yyyy-LL-dd HH:mm";
      const local =
        window.timeZone === zone
          ? ""
          : ` [${localStart.slice(0, 16).replace("T", " ")}–${localEnd.toFormat(endFormat)} ${window.timeZone}]`;
      const extras = [spec.owner && `owner ${spec.owner}`, spec.reason].filter(Boolean).join("; ");
      return `${spec.kind.padEnd(12)}${window.calendar}/${spec.name}${local}${extras ? ` — ${extras}` : ""}`;
    }
    case "change": {
      const c = entry.change;
      const owner = c.owner === undefined ? "" : ` — owner ${c.owner}`;
      return `${"change".padEnd(12)}${c.id} ${c.services.join(", ")} in ${c.environment} (${c.state})${owner}`;
    }
    case "booking": {
      const b = entry.booking;
      const owner = b.owner === undefined ? "" : ` — owner ${b.owner}`;
      return `${"booking".padEnd(12)}${b.resource} ×${b.units} for ${b.id}${owner}`;
    }
    default: {
      const never: never = entry;
      throw new Error(`unhandled entry ${JSON.stringify(never)}`);
    }
  }
}
