import { z } from "zod";
import { apiProvision, apiRequirement, dnsLabel, duration, parameters, tier } from "../common-schemas.js";

export const versionScheme = z.enum(["semver", "calver", "loose"]);

const driverSettings = z.strictObject({
  type: z.enum(["process", "command", "test"]).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

const probe = z.strictObject({
  http: z
    .strictObject({ path: z.string().startsWith("/"), port: z.int().min(1).max(65535).optional() })
    .optional(),
  tcp: z.strictObject({ port: z.int().min(1).max(65535).optional() }).optional(),
  command: z.array(z.string()).min(1).optional(),
  initialDelay: duration.optional(),
  period: duration.optional(),
  timeout: duration.optional(),
  failureThreshold: z.int().min(1).optional(),
});

const component = z.strictObject({
  name: z.string().min(1),
  type: z.enum(["runtime", "framework", "database", "library", "os", "other"]),
  version: z.string().min(1),
});

export const serviceSpec = z.strictObject({
  owner: z.string().optional(),
  tier: tier.optional(),
  kind: z.enum(["stateless", "stateful", "monolith"]).optional(),
  version: z
    .string()
    .min(1)
    .meta({ description: "the version running now (semver unless versionScheme says otherwise)" }),
  versionScheme: versionScheme.optional(),
  provides: z.array(apiProvision).optional(),
  requires: z.array(apiRequirement).optional(),
  dependsOn: z.array(dnsLabel).optional(),
  components: z.array(component).optional(),
  driver: driverSettings.optional(),
  probes: z.strictObject({ readiness: probe.optional(), liveness: probe.optional() }).optional(),
  parameters: parameters.optional(),
  migrations: z.strictObject({ path: z.string().min(1), database: z.string().optional() }).optional(),
  retention: z
    .array(
      z.strictObject({
        table: z
          .string()
          .regex(
            /^([a-z_][a-z0-9_$]*\.)?[a-z_][a-z0-9_$]*$/,
            'must be a table name such as "audit_log" or "sales.audit_log"',
          ),
        period: duration.meta({ description: "how long the rows must stay readable, e.g. 2555d" }),
        archiveSchema: z
          .string()
          .regex(/^[a-z_][a-z0-9_$]*$/, 'must be a schema name such as "archive"')
          .optional(),
      }),
    )
    .optional()
    .meta({
      description:
        "tables whose rows must be kept: a contract that drops or moves one archives it first (copy to the archive schema, read-only view)",
    }),
  environments: z
    .record(
      dnsLabel,
      z.strictObject({
        version: z.string().min(1).optional(),
        driver: driverSettings.optional(),
        parameters: parameters.optional(),
      }),
    )
    .optional(),
});

export type ServiceSpec = z.infer<typeof serviceSpec>;
