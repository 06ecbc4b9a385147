import { z } from "zod";
import { dnsLabel, parameters, timeZone } from "../common-schemas.js";

export const environmentSpec = z.strictObject({
  order: z.int().min(0).meta({ description: "position in the promotion order: dev 0, staging 1, prod 2 …" }),
  promotesFrom: dnsLabel.optional(),
  region: z.string().optional(),
  timeZone: timeZone.optional(),
  driver: z
    .strictObject({
      type: z.enum(["process", "command", "test"]),
      settings: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  router: z
    .strictObject({
      type: z.enum(["builtin", "nginx", "none"]),
      settings: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  parameters: parameters.optional(),
  protection: z
    .strictObject({
      changeRequired: z.boolean().meta({ description: "runs need an approved change request in its window" }),
      approvalGroups: z.array(z.string()).optional(),
    })
    .optional(),
  calendars: z.array(dnsLabel).optional(),
});

export type EnvironmentSpec = z.infer<typeof environmentSpec>;
