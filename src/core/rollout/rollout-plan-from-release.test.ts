import { describe, expect, it } from "vitest";
import { formatProblem } from "../documents/problem.js";
import { validateSources } from "../documents/validate-documents.js";
import { otherSlot, rolloutPlanFromRelease } from "./rollout-plan-from-release.js";

const sides = {
  current: { version: "1.0.0", slot: "blue" },
  target: { version: "2.0.0", slot: "green" },
  replicas: 2,
};

describe("rolloutPlanFromRelease", () => {
  it("reads a Release canary with durations in seconds", () => {
    const plan = rolloutPlanFromRelease(
      {
        canary: {
          steps: [
            { setHeaderRoute: { header: "x-tester", value: "yes" } },
            { setWeight: 10 },
            { pause: { duration: "1m30s" } },
            { pause: {} },
            { analysis: { interval: "30s", count: 4 } },
          ],
        },
      },
      sides,
    );
    expect(plan).toEqual({
      kind: "canary",
      stable: sides.current,
      canary: sides.target,
      replicas: 2,
      steps: [
        { kind: "setHeaderRoute", header: "x-tester", value: "yes" },
        { kind: "setWeight", weight: 10 },
        { kind: "pause", seconds: 90 },
        { kind: "pause" },
        { kind: "analysis", intervalSeconds: 30, count: 4 },
      ],
    });
  });

  it("reads a tester route by cookie, and refuses a route a router could not match, saying where", () => {
    const plan = rolloutPlanFromRelease(
      { canary: { steps: [{ setHeaderRoute: { cookie: "beta_testers", value: "yes" } }] } },
      sides,
    );
    expect(plan).toMatchObject({ steps: [{ kind: "setHeaderRoute", cookie: "beta_testers", value: "yes" }] });
    const problems = (route: string) =>
      validateSources([
        {
          name: "r.yaml",
          text: `apiVersion: upshift.dev/v1alpha1
kind: Release
metadata: {name: r}
spec:
  environments: [dev]
  changes:
    - service: web
      version: 2.0.0
      strategy: {canary: {steps: [{setHeaderRoute: ${route}}]}}
`,
        },
      ])
        .problems.filter((p) => !p.code.startsWith("ref."))
        .map(formatProblem);
    const at = "spec.changes[0].strategy.canary.steps[0].setHeaderRoute";
    expect(problems("{cookie: beta, value: yes}")).toEqual([]);
    expect(problems("{header: X Canary, value: t}")).toEqual([
      `r.yaml:9:61 schema.invalid-value ${at}.header: the string "X Canary" must be a header name: letters, digits and dashes (at most 128)`,
    ]);
    expect(problems("{cookie: beta-testers, value: t}")[0]).toContain(
      `${at}.cookie: the string "beta-testers" must be a cookie name: letters, digits and underscores`,
    );
    expect(problems("{header: X-Canary, value: 'a b'}")[0]).toContain(
      `${at}.value: the string "a b" must match`,
    );
    expect(problems("{header: X-Canary, cookie: beta, value: t}")).toEqual([
      `r.yaml:9:52 schema.invalid-value ${at}: a mapping needs either header (a request header name) or cookie (a cookie name), not both`,
    ]);
    expect(problems("{value: t}")[0]).toContain("needs either header");
  });

  it("fills blue-green and rolling defaults, and rolls one at a time when no strategy is named", () => {
    expect(rolloutPlanFromRelease({ blueGreen: { scaleDownDelay: "PT5M" } }, sides)).toMatchObject({
      kind: "blueGreen",
      previewChecks: [],
      scaleDownDelaySeconds: 300,
    });
    expect(rolloutPlanFromRelease(undefined, sides)).toMatchObject({
      kind: "rolling",
      batchSize: 1,
      maxUnavailable: 0,
    });
    expect(otherSlot("blue")).toBe("green");
    expect(otherSlot("stable")).toBe("canary");
    expect(otherSlot("canary")).toBe("stable");
  });
});
