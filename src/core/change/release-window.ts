import { floatingFromText, resolveLocalTime } from "../calendar/local-time.js";
import type { ChangeWindow } from "./change-request.js";

/** The instant range of a Release's desired window, read in its zone (else the environment's, else UTC). */
export function releaseWindow(
  window: { start: string; end: string; timeZone?: string | undefined } | undefined,
  envZone: string | undefined,
): ChangeWindow | undefined {
  if (window === undefined) return undefined;
  const zone = window.timeZone ?? envZone ?? "UTC";
  const start = resolveLocalTime(floatingFromText(window.start), zone).instant;
  const end = resolveLocalTime(floatingFromText(window.end), zone).instant;
  return end > start ? { start, end } : undefined;
}
