import { z } from "zod";
import { rollbackTriggerSchema } from "../../analysis/verification-schema.js";
import { notificationsSpec } from "../../notify/notification-policy.js";
import { dnsLabel, duration, labelMap, tier } from "../common-schemas.js";
import { versionScheme } from "./service.js";

const quorum = z.union([
  z.enum(["any", "all"]),
  z.int().min(1),
  z.string().regex(/^\d{1,3}%$/, 'must be "any", "all", a number, or a percentage such as "50%"'),
]);

const approvalRule = z.strictObject({
  name: z.string().min(1),
  match: z
    .strictObject({
      environments: z.array(dnsLabel).optional(),
      tiers: z.array(tier).optional(),
      riskBands: z.array(z.enum(["low", "moderate", "high", "very-high"])).optional(),
      types: z.array(z.enum(["standard", "normal", "emergency"])).optional(),
      labels: labelMap.optional(),
    })
    .optional(),
  groups: z.array(
    z.strictObject({ name: z.string().min(1), quorum: quorum.optional(), level: z.int().min(0).optional() }),
  ),
  separationOfDuties: z.boolean().optional(),
  expiresAfter: duration.optional(),
});

const severity = z.enum(["low", "medium", "high", "critical"]);

export const policySpec = z.strictObject({
  approvals: z.strictObject({ rules: z.array(approvalRule) }).optional(),
  risk: z
    .strictObject({
      weights: z.record(z.string(), z.number()).optional(),
      bands: z.strictObject({ moderate: z.number(), high: z.number(), veryHigh: z.number() }).optional(),
    })
    .optional(),
  vulnerabilities: z
    .strictObject({ blockAtOrAbove: severity.optional(), allow: z.array(z.string()).optional() })
    .optional(),
  endOfSupport: z
    .strictObject({ warnBefore: duration.optional(), blockAfter: z.boolean().optional() })
    .optional(),
  versionScheme: versionScheme.optional(),
  emergency: z
    .strictObject({
      approverGroups: z.array(z.string()).min(1),
      skipFreeze: z.boolean().optional(),
      skipLeadTime: z.boolean().optional(),
    })
    .optional(),
  rollbackTriggers: z.array(rollbackTriggerSchema).optional(),
  auditWindows: z
    .strictObject({
      approverGroup: z.string().min(1).meta({
        description:
          "group whose approval a change inside an audit window needs besides the usual ones; without it such changes are refused",
      }),
    })
    .optional(),
  notifications: notificationsSpec.optional(),
});

export type PolicySpec = z.infer<typeof policySpec>;
