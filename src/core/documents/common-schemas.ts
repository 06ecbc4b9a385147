import semver from "semver";
import { z } from "zod";
import { DURATION_HINT, parseDurationSeconds } from "./duration.js";

/** DNS-1123 label, as Kubernetes names: what every metadata.name and reference must be. */
export const dnsLabel = z
  .string()
  .max(63, "must be at most 63 characters (a DNS-1123 label)")
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
  );

export const labelMap = z.record(z.string(), z.string());

export const metadata = z.strictObject({
  name: dnsLabel,
  labels: labelMap.optional(),
  annotations: labelMap.optional(),
});

export const duration = z
  .string()
  .refine((s) => parseDurationSeconds(s) !== undefined, { message: `must be ${DURATION_HINT}` })
  .meta({ description: DURATION_HINT });

export const semverVersion = z
  .string()
  .refine((s) => semver.valid(s) !== null, { message: 'must be a semantic version such as "2.1.0"' });

export const semverRange = z.string().refine((s) => semver.validRange(s) !== null, {
  message: 'must be an npm semver range such as "^2.0.0", ">=1.4 <3" or "2.x"',
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"' });

/** Wall-clock time in a named zone: `2027-01-04T09:00` or `2027-01-04T09:00:00`, no offset. */
export const localDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/,
    'must be a local date-time without offset, such as "2027-01-04T09:00:00"',
  );

export const sha256Digest = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 lower-case hex digits');

export const parameterValue = z.union([z.string(), z.number(), z.boolean()]);
export const parameters = z.record(z.string(), parameterValue);

export const tier = z.int().min(0).max(3).meta({ description: "criticality: 0 most critical … 3 least" });

export const apiProvision = z.strictObject({ api: z.string().min(1), version: semverVersion });
export const apiRequirement = z.strictObject({ api: z.string().min(1), range: semverRange });
