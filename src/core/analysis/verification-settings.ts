/**
 * The verification a step carries in its input: the Release's checks, analysis and rollback
 * triggers that apply to its service, with the Policies' fleet-wide triggers appended. Taken when
 * the run is planned, so a document edited mid-run does not change what a running step checks.
 */
import type { PolicySpec } from "../documents/kinds/policy.js";
import type { ReleaseSpec } from "../documents/kinds/release.js";
import type {
  ReleaseAnalysisDocument,
  ReleaseCheckDocument,
  RollbackTriggerDocument,
} from "./verification-schema.js";

export interface VerificationSettings {
  readonly checks: readonly ReleaseCheckDocument[];
  readonly analysis?: ReleaseAnalysisDocument;
  /** The release's triggers first, then each policy's, in document order. */
  readonly triggers: readonly RollbackTriggerDocument[];
}

const appliesTo = (services: readonly string[] | undefined, service: string) =>
  services === undefined || services.includes(service);

/** The checks, analysis and triggers of `release` for one service. */
export function verificationFor(
  release: Pick<ReleaseSpec, "checks" | "analysis" | "rollbackTriggers">,
  policies: readonly Pick<PolicySpec, "rollbackTriggers">[],
  service: string,
): VerificationSettings {
  const analysis = release.analysis;
  return {
    checks: (release.checks ?? []).filter((c) => appliesTo(c.services, service)),
    ...(analysis !== undefined && appliesTo(analysis.services, service) ? { analysis } : {}),
    triggers: [...(release.rollbackTriggers ?? []), ...policies.flatMap((p) => p.rollbackTriggers ?? [])],
  };
}

/** The settings a step's input carries under `verification`, or none configured. */
export function verificationOfInput(input: Readonly<Record<string, unknown>>): VerificationSettings {
  const v = input.verification as Partial<VerificationSettings> | undefined;
  return {
    checks: Array.isArray(v?.checks) ? v.checks : [],
    ...(v?.analysis !== undefined ? { analysis: v.analysis } : {}),
    triggers: Array.isArray(v?.triggers) ? v.triggers : [],
  };
}
