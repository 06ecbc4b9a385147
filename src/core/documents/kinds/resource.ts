import { z } from "zod";
import { dnsLabel, timeZone } from "../common-schemas.js";

export const resourceSpec = z.strictObject({
  type: z.enum(["environment", "lab", "team", "other"]).optional(),
  capacity: z.int().min(1),
  owner: z.string().optional(),
  timeZone: timeZone.optional(),
  region: z
    .string()
    .optional()
    .meta({ description: "for a team: the region whose environments it works on" }),
  calendar: dnsLabel.optional(),
  workingHours: z
    .strictObject({
      days: z.array(z.enum(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])).min(1),
      start: z.string().regex(/^\d{2}:\d{2}$/, 'must be a local time such as "09:00"'),
      end: z.string().regex(/^\d{2}:\d{2}$/, 'must be a local time such as "17:00"'),
    })
    .optional(),
});

export type ResourceSpec = z.infer<typeof resourceSpec>;
