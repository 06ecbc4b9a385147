/**
 * Runs a synthetic transaction over HTTP: each step's request is built with the values captured
 * so far, sent with its timeout, and judged (synthetic-step-judgement.ts); the first failing step
 * fails the check. The evidence lists every step run with its status and duration.
 */
import type { Check, CheckOutcome } from "../../core/analysis/check-outcome.js";
import type { MetricValue } from "../../core/analysis/metric-value.js";
import { judgeSyntheticStep } from "../../core/analysis/synthetic-step-judgement.js";
import {
  fillBodyCaptures,
  fillCaptures,
  type SyntheticStep,
  type SyntheticTransaction,
} from "../../core/analysis/synthetic-transaction.js";

export interface SyntheticHttpCheckOptions {
  /** Relative step URLs are resolved against it, e.g. the environment's entry point. */
  readonly baseUrl?: string | undefined;
  /** Milliseconds since some origin; injected so durations are testable. Default performance.now. */
  readonly clock?: (() => number) | undefined;
}

/** A check running the transaction's steps in order against the environment. */
export function syntheticHttpCheck(
  transaction: SyntheticTransaction,
  options: SyntheticHttpCheckOptions = {},
): Check {
  const clock = options.clock ?? (() => performance.now());
  return {
    kind: "synthetic-http",
    name: transaction.name,
    async run(signal?: AbortSignal): Promise<CheckOutcome> {
      let captures: Record<string, MetricValue> = {};
      const steps: MetricValue[] = [];
      const evidence = () => ({ steps, captures: Object.keys(captures) });
      for (const step of transaction.steps) {
        const started = clock();
        const answer = await send(step, captures, options.baseUrl, signal);
        const durationMs = Math.round(clock() - started);
        if (answer.kind === "error") {
          steps.push({ step: step.name, error: answer.message, durationMs });
          return {
            kind: "failed",
            message: `${transaction.name}: step "${step.name}": ${answer.message}`,
            evidence: evidence(),
          };
        }
        steps.push({ step: step.name, status: answer.status, durationMs });
        const judgement = judgeSyntheticStep(step, answer.status, answer.body);
        if (judgement.kind === "failed")
          return {
            kind: "failed",
            message: `${transaction.name}: ${judgement.message}`,
            evidence: evidence(),
          };
        captures = { ...captures, ...judgement.captures };
      }
      return {
        kind: "passed",
        message: `${transaction.name}: ${transaction.steps.length} step${transaction.steps.length === 1 ? "" : "s"} passed`,
        evidence: evidence(),
      };
    },
  };
}

type Answer =
  | { readonly kind: "answer"; readonly status: number; readonly body: string }
  | { readonly kind: "error"; readonly message: string };

async function send(
  step: SyntheticStep,
  captures: Readonly<Record<string, MetricValue>>,
  baseUrl: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Answer> {
  const url = new URL(fillCaptures(step.url, captures, encodeURIComponent), baseUrl).toString();
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(step.headers).map(([k, v]) => [k, fillCaptures(v, captures)]),
  );
  let body: string | undefined;
  if (typeof step.body === "string") body = fillCaptures(step.body, captures);
  else if (step.body !== undefined) {
    body = JSON.stringify(fillBodyCaptures(step.body, captures));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["content-type"] = "application/json";
  }
  const timeout = AbortSignal.timeout(step.timeoutMs);
  try {
    const response = await fetch(url, {
      method: step.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    return { kind: "answer", status: response.status, body: await response.text() };
  } catch (error) {
    const message = timeout.aborted
      ? `no answer within ${step.timeoutMs} ms`
      : `${step.method} ${url}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ""}`;
    return { kind: "error", message };
  }
}
