import { createHash } from "node:crypto";
import { canonicalJson } from "../../core/documents/canonical-json.js";
import type { EnvironmentPlan } from "../../core/planner/release-plan.js";

/** sha256 of a value's canonical JSON, as `sha256:<hex>`: pins the plan a change was made from. */
export function digestOf(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}

/** The services an environment plan rolls out, in plan order. */
export function deployedServices(plan: EnvironmentPlan): string[] {
  return [
    ...new Set(plan.waves.flatMap((w) => w.steps.filter((s) => s.kind === "rollout").map((s) => s.service))),
  ];
}
