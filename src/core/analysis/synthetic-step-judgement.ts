/**
 * Judges one synthetic step's response: the status must be one of the expected ones, every
 * assertion's path must select a value for which its condition holds, and every capture must
 * find its value. The first problem fails the step with a message naming the step and the rule.
 */
import { evaluateCondition } from "./condition-evaluator.js";
import { selectJsonPath } from "./json-path.js";
import { describeMetricValue, type MetricValue, toMetricValue } from "./metric-value.js";
import type { SyntheticStep } from "./synthetic-transaction.js";

export type SyntheticStepJudgement =
  | { readonly kind: "passed"; readonly captures: Readonly<Record<string, MetricValue>> }
  | { readonly kind: "failed"; readonly message: string };

/** Whether a response satisfies the step, and what it captured for the next steps. */
export function judgeSyntheticStep(
  step: SyntheticStep,
  status: number,
  bodyText: string,
): SyntheticStepJudgement {
  const where = `step "${step.name}" (${step.method} ${step.url})`;
  if (!step.expectStatus.includes(status))
    return {
      kind: "failed",
      message: `${where}: status ${status}, expected ${step.expectStatus.join(" or ")}`,
    };
  if (step.assertions.length === 0 && Object.keys(step.capture).length === 0)
    return { kind: "passed", captures: {} };
  let body: MetricValue;
  try {
    body = toMetricValue(JSON.parse(bodyText)) ?? null;
  } catch {
    return { kind: "failed", message: `${where}: the body is not JSON, so its assertions cannot be checked` };
  }
  for (const assertion of step.assertions) {
    const value = selectJsonPath(assertion.path, body);
    if (value === undefined)
      return { kind: "failed", message: `${where}: ${assertion.path.source} is not in the response` };
    if (assertion.condition === undefined) continue;
    const outcome = evaluateCondition(assertion.condition, value);
    if (outcome.kind === "error") return { kind: "failed", message: `${where}: ${outcome.message}` };
    if (!outcome.value) {
      return {
        kind: "failed",
        message: `${where}: ${assertion.path.source} is ${describeMetricValue(value)}, so "${assertion.condition.source}" is false`,
      };
    }
  }
  const captures: Record<string, MetricValue> = {};
  for (const [name, path] of Object.entries(step.capture)) {
    const value = selectJsonPath(path, body);
    if (value === undefined)
      return { kind: "failed", message: `${where}: nothing to capture as "${name}" at ${path.source}` };
    captures[name] = value;
  }
  return { kind: "passed", captures };
}
