import type { ChangeWindow } from "../change/change-request.js";

/**
 * A window as a person in `timeZone` reads it, e.g. "Sat, 5 Dec 2026, 02:00–04:00 Europe/Berlin (UTC+1)";
 * a window that crosses midnight in that zone shows both dates.
 */
export function windowInZone(window: ChangeWindow | undefined, timeZone: string): string {
  if (window === undefined) return "not scheduled yet";
  const date = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const offset = (at: number) => {
    const name =
      new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "shortOffset" })
        .formatToParts(at)
        .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    return name === "GMT" ? "UTC+0" : name.replace("GMT", "UTC");
  };
  const startDate = date.format(window.start);
  const endDate = date.format(window.end);
  const zone = (at: number) => `${timeZone} (${offset(at)})`;
  const end = startDate === endDate ? time.format(window.end) : `${endDate}, ${time.format(window.end)}`;
  return `${startDate}, ${time.format(window.start)}–${end} ${zone(window.start)}`;
}
