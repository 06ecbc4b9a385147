import { z } from "zod";
import { dnsLabel, duration, labelMap, localDateTime, tier, timeZone } from "../common-schemas.js";

export const windowKind = z.enum(["freeze", "audit", "maintenance", "blackout"]);

export const windowScope = z.strictObject({
  environments: z.array(dnsLabel).optional(),
  services: z.array(dnsLabel).optional(),
  tiers: z.array(tier).optional(),
  labels: labelMap.optional(),
  regions: z.array(z.string()).optional(),
  teams: z.array(z.string()).optional(),
});

export const calendarWindow = z
  .strictObject({
    name: dnsLabel,
    kind: windowKind,
    timeZone: timeZone.optional(),
    start: localDateTime,
    end: localDateTime.optional(),
    duration: duration.optional(),
    rrule: z.string().min(1).optional(),
    exdates: z.array(localDateTime).optional(),
    rdates: z.array(localDateTime).optional(),
    scope: windowScope.optional(),
    reason: z.string().optional(),
    owner: z.string().optional(),
    emergencyOverride: z.boolean().optional(),
  })
  // An occurrence's length comes from exactly one of them (see docs/calendar.md).
  .superRefine((w, ctx) => {
    if ((w.end === undefined) === (w.duration === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: w.end === undefined ? ["end"] : ["duration"],
        message:
          w.end === undefined
            ? 'needs an end (local wall time) or a duration such as "PT8H"'
            : "give either end or duration, not both",
      });
    }
  });

export const calendarSpec = z.strictObject({
  timeZone: timeZone.optional(),
  windows: z.array(calendarWindow),
});

export type CalendarSpec = z.infer<typeof calendarSpec>;
export type CalendarWindowSpec = z.infer<typeof calendarWindow>;
