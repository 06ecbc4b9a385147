import { describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import type { ReleaseChange } from "../documents/kinds/release.js";
import { InputError } from "../errors/domain-error.js";
import { planRelease } from "./plan-release.js";
import { checkPlanSafety } from "./plan-safety.js";
import type { PlanInput } from "./planning-fleet.js";
import type { ReleasePlan } from "./release-plan.js";

type Spec = DocumentOf<"Service">["spec"];
const api = (name: string, ...versions: string[]) => versions.map((version) => ({ api: name, version }));
const service = (
  name: string,
  spec: Omit<Spec, "version"> & { version?: string },
): DocumentOf<"Service"> => ({
  apiVersion: "upshift.dev/v1alpha1",
  kind: "Service",
  metadata: { name },
  spec: { version: "1.0.0", ...spec },
});
const release = (
  changes: ReleaseChange[],
  extra: Partial<DocumentOf<"Release">["spec"]> = {},
): DocumentOf<"Release"> => ({
  apiVersion: "upshift.dev/v1alpha1",
  kind: "Release",
  metadata: { name: "r1" },
  spec: { environments: ["prod"], changes, ...extra },
});
/** Services per wave of the first environment, rollouts only. */
const waves = (plan: ReleasePlan) =>
  (plan.environments[0]?.waves ?? [])
    .map((w) => w.steps.filter((s) => s.kind === "rollout").map((s) => s.service))
    .filter((w) => w.length > 0);
const planChecked = (input: PlanInput, options = {}) => {
  const plan = planRelease(input, options);
  expect(checkPlanSafety(input, plan)).toEqual([]);
  return plan;
};

const payments = service("payments", { version: "2.1.0", tier: 0, provides: api("payments-api", "2.1.0") });
const orders = service("orders", {
  version: "2.3.0",
  tier: 0,
  provides: api("orders-api", "2.3.0"),
  requires: [{ api: "payments-api", range: "^2.0.0" }],
});

describe("planRelease: hand-written cases", () => {
  it("rolls out a provider first when the consumer's new version needs its new API", () => {
    const input = {
      services: [orders, payments],
      release: release([
        { service: "orders", version: "2.4.0", requires: [{ api: "payments-api", range: "^3.0.0" }] },
        { service: "payments", version: "3.0.0", provides: api("payments-api", "2.9.0", "3.0.0") },
      ]),
    };
    const plan = planChecked(input);
    expect(plan.feasible).toBe(true);
    expect(waves(plan)).toEqual([["payments"], ["orders"]]);
    expect(plan.environments[0]?.waves[0]?.steps[0]).toEqual({
      kind: "rollout",
      service: "payments",
      from: "2.1.0",
      to: "3.0.0",
    });
  });

  it("rolls out a consumer first when the new provider drops the old API", () => {
    const input = {
      services: [orders, payments],
      release: release([
        { service: "orders", version: "2.4.0", requires: [{ api: "payments-api", range: ">=2.1.0 <4" }] },
        { service: "payments", version: "3.0.0", provides: api("payments-api", "3.0.0") },
      ]),
    };
    expect(waves(planChecked(input))).toEqual([["orders"], ["payments"]]);
  });

  it("reports two services that break each other with both requirements and a way out for each", () => {
    const mutualOrders = service("orders", {
      version: "2.3.0",
      provides: api("orders-api", "2.3.0"),
      requires: [{ api: "payments-api", range: "^2.0.0" }],
    });
    const mutualPayments = service("payments", {
      version: "2.1.0",
      provides: api("payments-api", "2.1.0"),
      requires: [{ api: "orders-api", range: "^2.0.0" }],
    });
    // Each new version accepts both versions of the other, but drops its own old API.
    const input = {
      services: [mutualOrders, mutualPayments],
      release: release([
        {
          service: "orders",
          version: "3.0.0",
          provides: api("orders-api", "3.0.0"),
          requires: [{ api: "payments-api", range: ">=2.0.0 <4" }],
        },
        {
          service: "payments",
          version: "3.0.0",
          provides: api("payments-api", "3.0.0"),
          requires: [{ api: "orders-api", range: ">=2.0.0 <4" }],
        },
      ]),
    };
    const plan = planRelease(input);
    expect(plan.feasible).toBe(false);
    expect(plan.environments[0]?.waves).toEqual([]);
    expect(plan.conflicts).toHaveLength(1);
    const conflict = plan.conflicts[0];
    expect(conflict?.services).toEqual(["orders", "payments"]);
    expect(
      conflict?.requirements.map((r) => `${r.consumer}:${r.api} ${r.range}→${r.provider}`).sort(),
    ).toEqual(["orders:payments-api ^2.0.0→payments", "payments:orders-api ^2.0.0→orders"]);
    expect(conflict?.suggestions).toHaveLength(2);
    expect(conflict?.suggestions.join("\n")).toContain(
      "let payments 3.0.0 keep providing payments-api 2.1.0 until orders moves",
    );
    expect(conflict?.suggestions.join("\n")).toContain(
      "let orders 3.0.0 keep providing orders-api 2.3.0 until payments moves",
    );
    expect(conflict?.message).toMatch(/^in prod: no order of orders, payments satisfies all of/);
  });

  it("reports one consumer whose old and new versions need what the provider cannot give at once", () => {
    const input = {
      services: [orders, payments],
      release: release([
        { service: "orders", version: "2.4.0", requires: [{ api: "payments-api", range: "^3.0.0" }] },
        { service: "payments", version: "3.0.0", provides: api("payments-api", "3.0.0") },
      ]),
    };
    const plan = planRelease(input);
    expect(plan.feasible).toBe(false);
    expect(plan.conflicts.map((c) => c.requirements.map((r) => r.range))).toEqual([["^3.0.0", "^2.0.0"]]);
    expect(plan.conflicts[0]?.suggestions.join("\n")).toMatch(
      /let orders 2\.4\.0 also accept payments-api 2\.1\.0/,
    );
  });

  it("plans a diamond in three waves", () => {
    const base = service("base", { tier: 0, provides: api("base-api", "1.0.0") });
    const side = (name: string) =>
      service(name, {
        tier: 2,
        provides: api(`${name}-api`, "1.0.0"),
        requires: [{ api: "base-api", range: "^1.0.0" }],
      });
    const top = service("top", {
      tier: 3,
      requires: [
        { api: "left-api", range: "^1.0.0" },
        { api: "right-api", range: "^1.0.0" },
      ],
    });
    const sideChange = (name: string): ReleaseChange => ({
      service: name,
      version: "2.0.0",
      provides: api(`${name}-api`, "1.9.0", "2.0.0"),
      requires: [{ api: "base-api", range: "^1.5.0" }],
    });
    const input = {
      services: [top, side("left"), side("right"), base],
      release: release([
        { service: "base", version: "2.0.0", provides: api("base-api", "1.9.0") },
        sideChange("left"),
        sideChange("right"),
        {
          service: "top",
          version: "2.0.0",
          requires: [
            { api: "left-api", range: "^2.0.0" },
            { api: "right-api", range: "^2.0.0" },
          ],
        },
      ]),
    };
    expect(waves(planChecked(input))).toEqual([["base"], ["left", "right"], ["top"]]);
  });

  it("reports a dependsOn cycle with its full path", () => {
    const s = (name: string, dependsOn: string[]) => service(name, { dependsOn });
    const input = {
      services: [s("a", ["b"]), s("b", ["c"]), s("c", ["a"]), s("d", ["a"])],
      release: release(["a", "b", "c", "d"].map((name) => ({ service: name, version: "2.0.0" }))),
    };
    const plan = planRelease(input);
    expect(plan.feasible).toBe(false);
    expect(plan.cycles).toEqual([["a", "b", "c", "a"]]);
    expect(plan.conflicts).toEqual([]);
    const selfish = planRelease({
      services: [s("a", ["a"])],
      release: release([{ service: "a", version: "2.0.0" }]),
    });
    expect(selfish.cycles).toEqual([["a", "a"]]);
  });

  it("plans a monolith many services require first, then its consumers within maxParallel, least critical first", () => {
    const mono = service("mono", { version: "5.0.0", tier: 0, provides: api("core-api", "5.0.0") });
    const consumers = Array.from({ length: 12 }, (_, i) =>
      service(`svc-${String(i).padStart(2, "0")}`, {
        tier: i % 4,
        requires: [{ api: "core-api", range: "^5.0.0" }],
      }),
    );
    const input = {
      services: [mono, ...consumers, service("db", {}), service("app", { dependsOn: ["db"] })],
      release: release(
        [
          { service: "mono", version: "6.0.0", provides: api("core-api", "5.9.0", "6.0.0") },
          ...consumers.slice(0, 10).map((c) => ({
            service: c.metadata.name,
            version: "2.0.0",
            requires: [{ api: "core-api", range: "^6.0.0" }],
          })),
          { service: "db", version: "2.0.0" },
          { service: "app", version: "2.0.0" },
        ],
        { maxParallel: 4 },
      ),
    };
    const plan = planChecked(input);
    const order = waves(plan);
    expect(order.every((w) => w.length <= 4)).toBe(true);
    const waveOf = new Map(order.flatMap((w, k) => w.map((s) => [s, k] as const)));
    expect(waveOf.get("mono")).toBe(0);
    expect(waveOf.get("db") ?? 99).toBeLessThan(waveOf.get("app") ?? -1);
    expect(order).toHaveLength(Math.ceil(13 / 4)); // 13 rollouts, 4 at a time, no idle slot
    const tierWave = (tier: number) =>
      consumers
        .slice(0, 10)
        .filter((c) => c.spec.tier === tier)
        .map((c) => waveOf.get(c.metadata.name) ?? -1);
    expect(Math.max(...tierWave(3))).toBeLessThanOrEqual(Math.min(...tierWave(0)));
  });

  it("reports the requirement a change leaves without any provider", () => {
    const input = {
      services: [orders, payments],
      release: release([{ service: "payments", version: "3.0.0", provides: api("billing-api", "1.0.0") }]),
    };
    const plan = planRelease(input);
    expect(plan.feasible).toBe(false);
    expect(plan.conflicts).toEqual([
      {
        services: ["orders"],
        requirements: [
          { consumer: "orders", api: "payments-api", range: "^2.0.0", provider: "payments", provides: [] },
        ],
        message:
          "in prod: orders 2.3.0 requires payments-api ^2.0.0, but no service provides payments-api once the release is done (payments 3.0.0 drops it)",
        suggestions: [
          "let payments 3.0.0 keep providing payments-api until orders no longer requires it, then drop it in a later release",
        ],
      },
    ]);
  });
});

describe("planRelease: environments, preferences and estimates", () => {
  const moving = {
    services: [
      orders,
      payments,
      service("web", { tier: 3, requires: [{ api: "orders-api", range: "^2.0.0" }] }),
    ],
    release: release(
      [
        {
          service: "payments",
          version: "3.0.0",
          provides: api("payments-api", "2.9.0", "3.0.0"),
          strategy: {
            canary: {
              steps: [
                { setWeight: 10 },
                { pause: { duration: "5m" } },
                { analysis: { interval: "1m", count: 3 } },
                { pause: {} },
              ],
            },
          },
        },
        {
          service: "orders",
          version: "2.4.0",
          requires: [{ api: "payments-api", range: "^3.0.0" }],
          migrations: [
            { name: "V7__add_status", phase: "expand" },
            { name: "V8__backfill_status", phase: "migrate" },
            { name: "V9__drop_state", phase: "contract" },
          ],
          strategy: { blueGreen: { scaleDownDelay: "10m" } },
        },
        { service: "web", version: "1.5.0" },
      ],
      { environments: ["staging", "prod"], rollbackWindow: "24h" },
    ),
  };

  it("estimates each wave from its strategies and counts the rollback window before contract", () => {
    const plan = planChecked(moving, { environment: "prod" });
    const [first, second, contract] = plan.environments[0]?.waves ?? [];
    // web (tier 3, free) goes with payments; orders waits for payments.
    expect(first?.steps.map((s) => `${s.kind} ${s.service}`)).toEqual([
      "rollout payments",
      "rollout web",
      "migrate-expand orders",
      "verify payments",
      "verify web",
    ]);
    // canary: 120 deploy + 300 pause + 180 analysis + 600 manual pause; + 60 verify
    expect(first?.estimateSeconds).toBe(120 + 300 + 180 + 600 + 60);
    expect(first?.backoutSeconds).toBe(120);
    // blue-green: 120 deploy + 600 scale-down delay; + 60 verify; backout is a traffic switch
    expect(second).toMatchObject({ estimateSeconds: 780, backoutSeconds: 30 });
    expect(contract?.steps).toEqual([
      { kind: "migrate-contract", service: "orders", migrations: ["V9__drop_state"] },
    ]);
    expect(contract).toMatchObject({ index: 2, estimateSeconds: 86_400 + 60, backoutSeconds: 0 });
    expect(plan.estimate).toEqual({ durationSeconds: 1260 + 780 + 86_460, backoutSeconds: 150 });
    const expand = first?.steps.find((s) => s.kind === "migrate-expand");
    expect(expand).toEqual({
      kind: "migrate-expand",
      service: "orders",
      migrations: ["V7__add_status", "V8__backfill_status"],
    });
  });

  it("promotes environments in order and lets each contract wave wait alongside later ones", () => {
    const plan = planChecked(moving);
    expect(plan.environments.map((e) => e.name)).toEqual(["staging", "prod"]);
    // staging rollouts, prod rollouts, then prod's contract wave; staging's waits in parallel.
    expect(plan.estimate.durationSeconds).toBe(2 * (1260 + 780) + 86_460);
    expect(plan.estimate.backoutSeconds).toBe(300);
  });

  it("skips a service that already runs the target version in an environment", () => {
    const ahead = service("payments", {
      version: "2.1.0",
      provides: api("payments-api", "2.1.0"),
      environments: { staging: { version: "3.0.0" } },
    });
    const plan = planChecked({ ...moving, services: [orders, ahead, ...moving.services.slice(2)] });
    const rollouts = (env: number) =>
      plan.environments[env]?.waves.flatMap((w) =>
        w.steps.filter((s) => s.kind === "rollout").map((s) => s.service),
      );
    expect(rollouts(0)).toEqual(["orders", "web"]);
    expect(rollouts(1)).toEqual(["payments", "web", "orders"]);
  });

  it("puts less critical services first when the number of waves allows it", () => {
    const plan = planChecked({
      services: [orders, payments, service("audit", { tier: 0 }), service("search", { tier: 3 })],
      release: release([
        { service: "payments", version: "3.0.0", provides: api("payments-api", "2.9.0", "3.0.0") },
        { service: "orders", version: "2.4.0", requires: [{ api: "payments-api", range: "^3.0.0" }] },
        { service: "audit", version: "2.0.0" },
        { service: "search", version: "2.0.0" },
      ]),
    });
    expect(waves(plan)).toEqual([
      ["payments", "search"],
      ["audit", "orders"],
    ]);
  });

  it("reports a fleet that is already broken before the release", () => {
    const old = service("legacy", { requires: [{ api: "payments-api", range: "^1.0.0" }] });
    const plan = planRelease({
      services: [old, payments],
      release: release([{ service: "payments", version: "2.2.0", provides: api("payments-api", "2.2.0") }]),
    });
    expect(plan.feasible).toBe(false);
    expect(plan.conflicts.map((c) => c.services)).toEqual([["legacy", "payments"]]);
    expect(plan.conflicts[0]?.message).toContain("legacy does not move in this release");
  });

  it("refuses an environment the release does not go to", () => {
    expect(() => planRelease(moving, { environment: "qa" })).toThrow(InputError);
  });
});
