import { z } from "zod";
import {
  releaseAnalysisSchema,
  releaseCheckSchema,
  rollbackTriggerSchema,
  verificationNameProblems,
} from "../../analysis/verification-schema.js";
import { COOKIE_NAME, HEADER_NAME, MATCH_VALUE } from "../../traffic/validate-route-config.js";
import {
  apiProvision,
  apiRequirement,
  dnsLabel,
  duration,
  localDateTime,
  sha256Digest,
  timeZone,
} from "../common-schemas.js";

const canaryStep = z.union([
  z.strictObject({ setWeight: z.int().min(0).max(100) }),
  z.strictObject({ pause: z.strictObject({ duration: duration.optional() }) }),
  z.strictObject({ analysis: z.strictObject({ interval: duration, count: z.int().min(1) }) }),
  z.strictObject({
    setHeaderRoute: z
      .strictObject({
        header: z
          .string()
          .regex(HEADER_NAME, "must be a header name: letters, digits and dashes (at most 128)")
          .optional(),
        cookie: z
          .string()
          .regex(COOKIE_NAME, "must be a cookie name: letters, digits and underscores (at most 128)")
          .optional(),
        value: z.string().regex(MATCH_VALUE, `must match ${MATCH_VALUE.source} (at most 256 characters)`),
      })
      .refine((r) => (r.header === undefined) !== (r.cookie === undefined), {
        message: "needs either header (a request header name) or cookie (a cookie name), not both",
      })
      .meta({
        description:
          "requests carrying this header or cookie value (testers) go to the canary, whatever the weights",
      }),
  }),
]);

export const strategy = z.union([
  z.strictObject({ canary: z.strictObject({ steps: z.array(canaryStep) }) }),
  z.strictObject({
    blueGreen: z.strictObject({
      previewChecks: z.array(z.string()).optional(),
      scaleDownDelay: duration.optional(),
    }),
  }),
  z.strictObject({
    rolling: z.strictObject({
      batchSize: z.int().min(1).optional(),
      maxUnavailable: z.int().min(0).optional(),
    }),
  }),
  z.strictObject({ recreate: z.strictObject({}) }),
]);

const migration = z.strictObject({
  name: z
    .string()
    .regex(/^(V\d+|R)__\w+$/, 'must be a migration name such as "V7__add_status" or "R__views"'),
  phase: z.enum(["expand", "migrate", "contract"]),
});

const change = z.strictObject({
  service: dnsLabel,
  version: z.string().min(1),
  artifact: z.strictObject({ uri: z.string().optional(), digest: sha256Digest }).optional(),
  provides: z.array(apiProvision).optional(),
  requires: z.array(apiRequirement).optional(),
  migrations: z.array(migration).optional(),
  strategy: strategy.optional(),
});

const scopeItem = z.strictObject({
  kind: z.enum(["feature", "fix", "tech-debt", "compliance", "security"]),
  id: z.string().min(1),
  title: z.string().optional(),
});

// A phase of the release that holds a shared Resource, relative to the release's slot in one
// environment: staging tests need qa-env for 4 h, the prod migration needs 1 DBA.
const booking = z.strictObject({
  resource: dnsLabel.meta({ description: "the Resource booked" }),
  environment: dnsLabel.meta({ description: "the environment whose slot the phase belongs to" }),
  phase: z.string().min(1).optional(),
  units: z.int().min(1).optional().meta({ description: "units of the resource's capacity; 1 when left out" }),
  offset: duration.optional().meta({ description: "from the start of the slot; 0 when left out" }),
  duration: duration.optional().meta({ description: "until the end of the slot when left out" }),
});

// A gap in the tests of one changed service, declared by the release's author (or by the
// validation that found it): the risk of every change of the release counts it.
const coverageGap = z.strictObject({
  service: dnsLabel.meta({ description: "a service the release changes" }),
  description: z
    .string()
    .min(1)
    .meta({ description: 'what is not tested, e.g. "no contract test for refunds v2"' }),
});

export const releaseSpec = z
  .strictObject({
    owner: z.string().optional(),
    cadence: z.enum(["ad-hoc", "weekly", "biweekly", "monthly", "quarterly"]).optional(),
    scope: z.array(scopeItem).optional(),
    environments: z.array(dnsLabel).min(1),
    changes: z.array(change).min(1),
    maxParallel: z.int().min(1).optional(),
    rollbackWindow: duration.optional(),
    checks: z.array(releaseCheckSchema).optional(),
    analysis: releaseAnalysisSchema.optional(),
    rollbackTriggers: z.array(rollbackTriggerSchema).optional(),
    window: z
      .strictObject({ start: localDateTime, end: localDateTime, timeZone: timeZone.optional() })
      .optional(),
    teams: z.array(dnsLabel).optional().meta({
      description: "Resources of type team that carry the release out, each in its region and hours",
    }),
    bookings: z.array(booking).optional(),
    coverageGaps: z.array(coverageGap).optional().meta({
      description:
        "test coverage the release knowingly lacks (validation before deploying found no test for it); each gap adds to the risk of its changes",
    }),
  })
  .superRefine((spec, ctx) => {
    for (const p of verificationNameProblems(spec))
      ctx.addIssue({ code: "custom", path: p.path, message: p.message });
    const changed = spec.changes.map((c) => c.service);
    for (const [i, gap] of (spec.coverageGaps ?? []).entries())
      if (!changed.includes(gap.service))
        ctx.addIssue({
          code: "custom",
          path: ["coverageGaps", i, "service"],
          message: `coverage gap names service "${gap.service}", which this release does not change; it changes: ${changed.join(", ")}`,
        });
  });

export type ReleaseSpec = z.infer<typeof releaseSpec>;
export type ReleaseChange = z.infer<typeof change>;
export type Strategy = z.infer<typeof strategy>;
export type ReleaseBooking = z.infer<typeof booking>;
