/**
 * Judges observed numbers against bounds: the rule behind queue-depth checks (messages at most N,
 * consumers at least M) and KPI thresholds. Every violated bound is named with its numbers.
 */
import type { CheckEvidence, CheckOutcome } from "./check-outcome.js";

export interface Bound {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

/** Passed when every bounded value lies within its bounds; failed naming each one that does not. */
export function checkBounds(
  subject: string,
  observed: Readonly<Record<string, number>>,
  bounds: Readonly<Record<string, Bound>>,
  evidence: CheckEvidence = {},
): CheckOutcome {
  const allEvidence: CheckEvidence = { ...evidence, ...observed };
  const violations: string[] = [];
  const within: string[] = [];
  for (const [name, bound] of Object.entries(bounds)) {
    if (bound.min === undefined && bound.max === undefined) continue;
    const value = observed[name];
    if (value === undefined || Number.isNaN(value)) {
      return { kind: "error", message: `${subject}: ${name} was not observed`, evidence: allEvidence };
    }
    if (bound.max !== undefined && value > bound.max) violations.push(`${name} ${value} > max ${bound.max}`);
    else if (bound.min !== undefined && value < bound.min)
      violations.push(`${name} ${value} < min ${bound.min}`);
    else within.push(`${name} ${value}`);
  }
  if (violations.length > 0)
    return { kind: "failed", message: `${subject}: ${violations.join(", ")}`, evidence: allEvidence };
  return {
    kind: "passed",
    message: `${subject}: ${within.length > 0 ? `${within.join(", ")} within bounds` : "no bounds set"}`,
    evidence: allEvidence,
  };
}
