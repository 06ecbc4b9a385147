import type { CheckoutTransaction } from "./checkout-transaction.js";

/** The router's weights of one service at one moment (ms of the demo's clock). */
export interface WeightSample {
  readonly at: number;
  readonly weights: Readonly<Record<string, number>>;
}

/** How one service's rollout ended, as the router and the run report it. */
export interface ServiceOutcome {
  readonly service: string;
  readonly from: string;
  readonly to: string;
  /** The weights in force at the end. */
  readonly finalWeights: Readonly<Record<string, number>>;
  /** Weight samples taken during the rollout, in time order. */
  readonly samples: readonly WeightSample[];
}

/** The demo's last line: what moved, what came back, and what users felt. */
export interface DemoSummary {
  readonly upgraded: readonly string[];
  readonly rolledBack: readonly string[];
  readonly failedRequestsDuringRollout: number;
  readonly detectionToRollbackSeconds: number | null;
}

/** A rolled-back service's timeline: when its fault showed in traffic and when traffic left it. */
export interface RollbackTimeline {
  readonly service: string;
  readonly version: string;
  /** The first sample in which the router gave the version traffic. */
  readonly exposedAt: number | null;
  readonly firstFailureAt: number | null;
  readonly trafficBackAt: number | null;
}

/** The share of traffic a version gets from a weight map (0 when no version has weight). */
export function weightShare(weights: Readonly<Record<string, number>>, version: string): number {
  let total = 0;
  for (const w of Object.values(weights)) total += w;
  return total === 0 ? 0 : (weights[version] ?? 0) / total;
}

/**
 * Upgraded: all of the service's traffic goes to the target version at the end. Rolled back: all of
 * it is on the old version again after the target had taken some. Anything else is neither.
 */
export function classifyOutcome(outcome: ServiceOutcome): "upgraded" | "rolledBack" | "unfinished" {
  if (weightShare(outcome.finalWeights, outcome.to) === 1) return "upgraded";
  const tried = outcome.samples.some((s) => weightShare(s.weights, outcome.to) > 0);
  if (tried && weightShare(outcome.finalWeights, outcome.from) === 1) return "rolledBack";
  return "unfinished";
}

/** Failed transactions that started inside [start, end]. */
export function failedDuring(
  transactions: readonly CheckoutTransaction[],
  start: number,
  end: number,
): CheckoutTransaction[] {
  return transactions.filter((t) => !t.ok && t.startedAt >= start && t.startedAt <= end);
}

/** Failed transactions counted by the `service@version` that failed first. */
export function failuresByCause(transactions: readonly CheckoutTransaction[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of transactions) {
    if (t.ok) continue;
    const cause = t.failedAt ? `${t.failedAt.service}@${t.failedAt.version}` : "unknown";
    counts[cause] = (counts[cause] ?? 0) + 1;
  }
  return counts;
}

/**
 * When the rolled-back version's fault first reached a user (the first transaction it failed) and
 * when the router next reported it without traffic (the first sample after that with weight 0).
 */
export function rollbackTimeline(
  outcome: ServiceOutcome,
  transactions: readonly CheckoutTransaction[],
): RollbackTimeline {
  let firstFailureAt: number | null = null;
  for (const t of transactions)
    if (!t.ok && t.failedAt?.service === outcome.service && t.failedAt.version === outcome.to)
      if (firstFailureAt === null || t.finishedAt < firstFailureAt) firstFailureAt = t.finishedAt;
  let trafficBackAt: number | null = null;
  if (firstFailureAt !== null)
    for (const s of outcome.samples)
      if (s.at >= firstFailureAt && weightShare(s.weights, outcome.to) === 0) {
        trafficBackAt = s.at;
        break;
      }
  const exposedAt = outcome.samples.find((s) => weightShare(s.weights, outcome.to) > 0)?.at ?? null;
  return { service: outcome.service, version: outcome.to, exposedAt, firstFailureAt, trafficBackAt };
}

/**
 * The summary of a demo run. detectionToRollbackSeconds is, over the rolled-back services, the
 * longest time from the first failure a faulty version caused to the router's confirmation that it
 * gets no more traffic (null when nothing was rolled back or a timeline is incomplete).
 */
export function summarizeDemo(
  outcomes: readonly ServiceOutcome[],
  transactions: readonly CheckoutTransaction[],
  rollout: { readonly start: number; readonly end: number },
): DemoSummary {
  const upgraded: string[] = [];
  const rolledBack: string[] = [];
  let worst: number | null = null;
  let incomplete = false;
  for (const o of outcomes) {
    const kind = classifyOutcome(o);
    if (kind === "upgraded") upgraded.push(o.service);
    if (kind !== "rolledBack") continue;
    rolledBack.push(o.service);
    const t = rollbackTimeline(o, transactions);
    if (t.firstFailureAt === null || t.trafficBackAt === null) {
      incomplete = true;
      continue;
    }
    const seconds = (t.trafficBackAt - t.firstFailureAt) / 1000;
    worst = worst === null ? seconds : Math.max(worst, seconds);
  }
  return {
    upgraded: upgraded.sort(),
    rolledBack: rolledBack.sort(),
    failedRequestsDuringRollout: failedDuring(transactions, rollout.start, rollout.end).length,
    detectionToRollbackSeconds: incomplete || worst === null ? null : Math.round(worst * 100) / 100,
  };
}
