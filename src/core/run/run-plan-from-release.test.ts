import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateSources } from "../documents/validate-documents.js";
import { planInputFromDocuments } from "../planner/plan-input-from-documents.js";
import { planRelease } from "../planner/plan-release.js";
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

  it("names an unknown release with a suggestion", () => {
    const docs = validateSources(workspace).documents.map((d) => d.doc);
    expect(() => planInputFromDocuments(docs, "r2027-1")).toThrow(
      /no Release "r2027-1". Did you mean "r2027-01"\?/,
    );
  });
});
