// The calendar's public surface, for the CLI (`upshift calendar`, `upshift calendar check`,
// `upshift schedule`), the API (`GET /v1/calendar.ics`) and the change-management gate.
export { activeWindows } from "./active-windows.js";
export { type AgendaOptions, renderAgenda } from "./agenda.js";
export type { BlockedDay } from "./blocked-days.js";
export { type CalendarEntry, type CalendarFilter, calendarEntries } from "./calendar-entries.js";
export { type CalendarIndex, indexCalendars, indexedOccurrences } from "./calendar-index.js";
export type {
  Booking,
  CalendarWorld,
  EnvironmentFacts,
  NamedCalendar,
  NamedResource,
  ScheduledChange,
  ServiceFacts,
} from "./calendar-world.js";
export type { ChangeSlot, ResourceNeed } from "./change-slot.js";
export {
  type BlockingConflict,
  type ChangeScopeService,
  type ChangeWindowQuestion,
  type ChangeWindowVerdict,
  checkChangeWindow,
} from "./change-window-gate.js";
export { checkSlot } from "./check-slot.js";
export { type CompiledWindow, compileWindow } from "./compiled-window.js";
export type { Conflict, ConflictReport } from "./conflict.js";
export {
  DEFAULT_HORIZON_MS,
  findSlots,
  type ProposedSlot,
  type SlotRequest,
  type SlotSuggestion,
} from "./find-slots.js";
export { type ICalendarOptions, toICalendar } from "./icalendar-export.js";
export { floatingFromText, type ResolvedLocalTime, resolveLocalTime } from "./local-time.js";
export { namedTeams, teamsForEnvironment } from "./region-teams.js";
export { releaseBookings, releaseNeeds, releaseWindow } from "./release-bookings.js";
export {
  type CutoverCoverage,
  type CutoverPlan,
  type CutoverRequest,
  type CutoverSuggestion,
  type CutoverWave,
  type ScheduledWave,
  scheduleCutover,
} from "./schedule-cutover.js";
export type { TeamCoverage } from "./slot-constraints.js";
export { isoInstant, type TimeRange } from "./time-range.js";
export { type WindowOccurrence, windowOccurrences } from "./window-occurrence.js";
export type { ScopeSubject, ServiceSubject } from "./window-scope.js";
export { type Team, teamFromResource, type WorkingHours, workingHoursRanges } from "./working-hours.js";
export { worldFromDocuments } from "./world-from-documents.js";
