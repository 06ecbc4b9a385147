import { describe, expect, it } from "vitest";
import type { EnvironmentPlan } from "../planner/release-plan.js";
import { changeScopeOf } from "./change-scope.js";
import { rollbackPlanOf } from "./rollback-plan.js";

const plan: EnvironmentPlan = {
  name: "prod",
  waves: [
    {
      index: 0,
      estimateSeconds: 300,
      backoutSeconds: 120,
      steps: [
        { kind: "migrate-expand", service: "orders", migrations: ["V7__add_status"] },
        { kind: "rollout", service: "payments", from: "2.1.0", to: "3.0.0" },
        { kind: "verify", service: "payments" },
      ],
    },
    {
      index: 1,
      estimateSeconds: 300,
      backoutSeconds: 90,
      steps: [
        { kind: "rollout", service: "orders", from: "2.3.0", to: "2.4.0" },
        { kind: "verify", service: "orders" },
      ],
    },
    {
      index: 2,
      estimateSeconds: 60,
      backoutSeconds: 0,
      steps: [{ kind: "migrate-contract", service: "orders", migrations: ["V8__drop_old"] }],
    },
  ],
};

describe("rollbackPlanOf", () => {
  it("undoes the waves in reverse, keeps expands, defers contracts and sums the backout estimates", () => {
    const rollback = rollbackPlanOf(plan, [
      { service: "orders", version: "2.4.0", migrations: [{ name: "V9__copy_rows", phase: "migrate" }] },
    ]);
    expect(rollback.waves).toEqual([
      {
        undoes: 1,
        estimateSeconds: 90,
        steps: [
          { kind: "rollout-back", service: "orders", from: "2.4.0", to: "2.3.0" },
          { kind: "verify", service: "orders" },
        ],
      },
      {
        undoes: 0,
        estimateSeconds: 120,
        steps: [
          { kind: "rollout-back", service: "payments", from: "3.0.0", to: "2.1.0" },
          { kind: "verify", service: "payments" },
        ],
      },
    ]);
    expect(rollback.backoutSeconds).toBe(210);
    expect(rollback.deferredContracts).toEqual([{ service: "orders", migrations: ["V8__drop_old"] }]);
    expect(rollback.dataNotes[0]).toContain("orders/V7__add_status (expand) stays applied");
    expect(rollback.dataNotes[1]).toContain("orders/V9__copy_rows migrates data");
  });
});

describe("changeScopeOf", () => {
  it("lists the deployed services with tier and labels, and every transitive dependent once", () => {
    const fleet: {
      name: string;
      tier: number | undefined;
      dependsOn: string[];
      labels: Record<string, string>;
    }[] = [
      { name: "payments", tier: 0, dependsOn: [], labels: { team: "pay" } },
      { name: "orders", tier: 0, dependsOn: ["payments"], labels: {} },
      { name: "web", tier: 1, dependsOn: ["orders", "payments"], labels: {} },
      { name: "reports", tier: undefined, dependsOn: ["web"], labels: {} },
      { name: "inventory", tier: 2, dependsOn: [], labels: {} },
    ];
    expect(changeScopeOf(["payments"], fleet)).toEqual({
      services: [{ name: "payments", tier: 0, labels: { team: "pay" } }],
      dependents: ["orders", "reports", "web"],
    });
    expect(changeScopeOf(["orders", "payments"], fleet).dependents).toEqual(["reports", "web"]);
    expect(changeScopeOf(["inventory"], fleet).dependents).toEqual([]);
  });
});
