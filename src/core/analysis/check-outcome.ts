/**
 * The port checks implement (src/adapters/checks/*): synthetic transactions, queue depths, SQL
 * data integrity, KPIs. A check passes, fails (the system is wrong: roll back or pause), or errors
 * (the check itself could not run: retry, and count towards a limit) — the same split as an
 * analysis measurement's Failed and Error.
 */
import type { MetricValue } from "./metric-value.js";

/** What the check saw, recorded on the run as the trigger's evidence. */
export type CheckEvidence = Readonly<Record<string, MetricValue>>;

export type CheckOutcome =
  | { readonly kind: "passed"; readonly message: string; readonly evidence: CheckEvidence }
  | { readonly kind: "failed"; readonly message: string; readonly evidence: CheckEvidence }
  | { readonly kind: "error"; readonly message: string; readonly evidence: CheckEvidence };

export interface Check {
  /** The check's kind as documents spell it, e.g. rabbitmq-queue, synthetic-http. */
  readonly kind: string;
  readonly name: string;
  run(signal?: AbortSignal): Promise<CheckOutcome>;
}
