import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateSources } from "../documents/validate-documents.js";
import { planInputFromDocuments } from "../planner/plan-input-from-documents.js";
import { planRelease } from "../planner/plan-release.js";
import type { EnvironmentPlan } from "../planner/release-plan.js";
import { checkRunPlan } from "./run-plan.js";
import { runPlanFromEnvironmentPlan } from "./run-plan-from-release.js";

const workspace = ["fleet", "environments", "governance", "release"].map((f) => ({
  name: `${f}.yaml`,
  text: readFileSync(new URL(`../../../examples/workspace/${f}.yaml`, import.meta.url), "utf8"),
}));

describe("run plan from a release plan", () => {
  it("turns waves into a DAG: each wave after the previous one, a service's steps in order", () => {
    const docs = validateSources(workspace).documents.map((d) => d.doc);
    const input = planInputFromDocuments(docs, "r2027-01");
    const plan = planRelease(input, { environment: "staging" });
    expect(plan.feasible).toBe(true);
    const env = plan.environments[0];
    if (!env) throw new Error("no environment plan");
    const run = runPlanFromEnvironmentPlan("r2027-01", env, input.release.spec.changes);
    expect(checkRunPlan(run)).toEqual([]);
    expect(run.steps.length).toBe(env.waves.reduce((n, w) => n + w.steps.length, 0));
    const rollout = run.steps.find((s) => s.kind === "rollout" && s.service === "payments");
    expect(rollout?.input).toMatchObject({
      from: "2.1.0",
      to: "3.0.0",
      strategy: { canary: expect.any(Object) },
    });
    for (const s of run.steps.filter((x) => x.wave > 0)) {
      const previous = run.steps.filter((x) => x.wave === s.wave - 1).map((x) => x.key);
      expect(s.dependsOn).toEqual(expect.arrayContaining(previous));
    }
    const verify = run.steps.find((s) => s.kind === "verify" && s.service === "payments");
    expect(verify?.dependsOn).toContain(rollout?.key);
  });

  it("puts a rollback-window wait between the last rollout wave and the contract wave", () => {
    const plan: EnvironmentPlan = {
      name: "prod",
      waves: [
        {
          index: 0,
          estimateSeconds: 60,
          backoutSeconds: 60,
          steps: [
            { kind: "migrate-expand", service: "orders", migrations: ["V2__add"] },
            { kind: "rollout", service: "orders", from: "1.0.0", to: "1.1.0" },
            { kind: "verify", service: "orders" },
          ],
        },
        {
          index: 1,
          estimateSeconds: 3600,
          backoutSeconds: 0,
          steps: [{ kind: "migrate-contract", service: "orders", migrations: ["V3__drop"] }],
        },
      ],
    };
    const run = runPlanFromEnvironmentPlan("r1", plan, [], undefined, { rollbackWindowSeconds: 3600 });
    expect(checkRunPlan(run)).toEqual([]);
    const wait = run.steps.find((s) => s.kind === "wait");
    expect(wait).toMatchObject({ key: "w1/wait/rollback-window", input: { duration: 3600 } });
    expect(wait?.dependsOn).toEqual(["w0/migrate-expand/orders", "w0/rollout/orders", "w0/verify/orders"]);
    expect(run.steps.find((s) => s.kind === "migrate-contract")?.dependsOn).toEqual([
      "w1/wait/rollback-window",
    ]);
    // without a window, contract follows the last wave directly
    const none = runPlanFromEnvironmentPlan("r1", plan, []);
    expect(none.steps.some((s) => s.kind === "wait")).toBe(false);
  });

  it("names an unknown release with a suggestion", () => {
    const docs = validateSources(workspace).documents.map((d) => d.doc);
    expect(() => planInputFromDocuments(docs, "r2027-1")).toThrow(
      /no Release "r2027-1". Did you mean "r2027-01"\?/,
    );
  });
});
