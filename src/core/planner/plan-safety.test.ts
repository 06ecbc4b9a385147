import { describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import { planRelease } from "./plan-release.js";
import { checkPlanSafety } from "./plan-safety.js";
import type { PlanWave, ReleasePlan } from "./release-plan.js";

const service = (name: string, spec: Partial<DocumentOf<"Service">["spec"]>): DocumentOf<"Service"> => ({
  apiVersion: "upshift.dev/v1alpha1",
  kind: "Service",
  metadata: { name },
  spec: { version: "1.0.0", ...spec },
});
const input = {
  services: [
    service("payments", { provides: [{ api: "payments-api", version: "1.0.0" }] }),
    service("orders", { requires: [{ api: "payments-api", range: "^1.0.0" }] }),
  ],
  release: {
    apiVersion: "upshift.dev/v1alpha1",
    kind: "Release",
    metadata: { name: "r1" },
    spec: {
      environments: ["prod"],
      maxParallel: 1,
      rollbackWindow: "1h",
      changes: [
        { service: "payments", version: "2.0.0", provides: [{ api: "payments-api", version: "1.5.0" }] },
        {
          service: "orders",
          version: "2.0.0",
          requires: [{ api: "payments-api", range: "^1.5.0" }],
          migrations: [
            { name: "V2__add_x", phase: "expand" },
            { name: "V3__drop_y", phase: "contract" },
          ],
        },
      ],
    },
  } satisfies DocumentOf<"Release">,
};
const withWaves = (plan: ReleasePlan, waves: PlanWave[]): ReleasePlan => ({
  ...plan,
  environments: [{ name: "prod", waves }],
});
const kinds = (plan: ReleasePlan) => [...new Set(checkPlanSafety(input, plan).map((v) => v.kind))].sort();

describe("checkPlanSafety", () => {
  const plan = planRelease(input);
  const [first, second, contract] = plan.environments[0]?.waves ?? [];

  it("accepts the planner's plan", () => {
    expect(plan.feasible).toBe(true);
    expect(checkPlanSafety(input, plan)).toEqual([]);
  });

  it("flags a consumer rolled out before the provider it needs", () => {
    if (!first || !second || !contract) throw new Error("expected three waves");
    const swapped = withWaves(plan, [{ ...second, index: 0 }, { ...first, index: 1 }, contract]);
    const violations = checkPlanSafety(input, swapped);
    expect(
      violations.some((v) => v.kind === "incompatible" && v.message.startsWith("wave 0: orders 2.0.0 needs")),
    ).toBe(true);
    expect(kinds(swapped)).toContain("migration-order"); // the expand now comes after its rollout
  });

  it("flags both services in one wave beyond maxParallel, and a contract before the rollback window", () => {
    if (!first || !second || !contract) throw new Error("expected three waves");
    const merged = withWaves(plan, [
      { ...first, steps: [...first.steps, ...second.steps] },
      { ...contract, index: 1, estimateSeconds: 60 },
    ]);
    expect(kinds(merged)).toEqual(["incompatible", "max-parallel", "migration-order"]);
  });

  it("flags a service the plan forgets", () => {
    if (!first) throw new Error("expected a wave");
    expect(kinds(withWaves(plan, [first]))).toEqual(["rollout-missing"]);
  });
});
