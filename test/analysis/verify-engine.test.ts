/**
 * The verify handler inside the real engine and store (SQLite and PostgreSQL): a manual checklist
 * that waits for people and moves on when they tick, a health probe whose third failure in a row
 * fires a rollback trigger (the rollback starts within a second, the trigger and its evidence are
 * on the run), and a trigger whose policy says pause (the step waits for promote).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { VerificationSettings } from "../../src/core/analysis/verification-settings.js";
import type { DomainError } from "../../src/core/errors/domain-error.js";
import type { Store } from "../../src/store/store.js";
import { STORE_TARGETS } from "../support/store-targets.js";
import { type LocalServer, serve } from "./local-services.js";
import { deployThenVerify, VerifyEngine } from "./verify-step-harness.js";

async function auditActions(store: Store): Promise<string[]> {
  const actions: string[] = [];
  await store.audit.scan((batch) => actions.push(...batch.map((r) => r.action)));
  return actions;
}

/** orders 1.0.0 to 1.1.0 in staging (a deploy reverted on rollback), then a verify step with these settings. */
const plan = (release: string, verification: VerificationSettings) =>
  deployThenVerify({
    release,
    environment: "staging",
    service: "orders",
    from: "1.0.0",
    to: "1.1.0",
    verification,
  });

describe.each(STORE_TARGETS)("verify steps in the engine on $name", (target) => {
  let engine: VerifyEngine;
  let store: Store;
  let health: LocalServer;
  let healthStatus = 200;

  beforeEach(async () => {
    engine = await VerifyEngine.start(target, { workerId: "w1", waitMs: 15_000 });
    store = engine.store;
    healthStatus = 200;
    health = await serve((_req, res) =>
      res.writeHead(healthStatus).end(healthStatus === 200 ? "ok" : "down"),
    );
  });
  afterEach(async () => {
    await engine.close();
    await health.close();
  });

  const phase = (id: string) => engine.phase(id);
  const verifyStep = (id: string) => engine.verifyStep(id);

  it("waits for the checklist, refuses bad ticks clearly, and continues within a second of the last tick", async () => {
    const settings: VerificationSettings = {
      checks: [
        {
          name: "smoke",
          check: { kind: "manual-checklist", name: "smoke", items: ["log in", "place an order"] },
        },
      ],
      triggers: [],
    };
    const run = await engine.startRun(plan("cl", settings));
    await engine.untilVerifyStep(run.id, "verify waiting", (s) => s.state === "waiting");
    expect((await verifyStep(run.id))?.message).toMatch(/waiting for 2 of 2 checklist items/);

    const bad = await store.verification
      .tick(run.id, { stepKey: "w0/verify/orders", item: "pay", result: "pass", by: "ana" }, Date.now())
      .catch((e: DomainError) => e);
    expect((bad as DomainError).message).toMatch(
      /no checklist item "pay"; its items: 1\. log in; 2\. place an order/,
    );
    const noNote = await store.verification
      .tick(run.id, { stepKey: "w0/verify/orders", item: "1", result: "fail", by: "ana" }, Date.now())
      .catch((e: DomainError) => e);
    expect((noNote as DomainError).code).toBe("checklist.note-required");

    await store.verification.tick(
      run.id,
      { stepKey: "w0/verify/orders", item: "1", result: "pass", by: "ana" },
      Date.now(),
    );
    const shown = await store.verification.show(run.id, "w0/verify/orders");
    expect(shown.status.kind).toBe("waiting");
    // People tick seconds apart: the step has read the first tick and sleeps again.
    await engine.untilVerifyStep(
      run.id,
      "verify read the first tick",
      (s) => s.state === "waiting" && /waiting for 1 of 2/.test(s.message ?? ""),
    );
    const last = Date.now();
    await store.verification.tick(
      run.id,
      {
        stepKey: "w0/verify/orders",
        item: "place an order",
        result: "pass",
        note: "order 42 placed",
        by: "bo",
      },
      last,
    );
    await engine.untilPhase(run.id, "Succeeded", 5000);
    expect(Date.now() - last).toBeLessThan(1000);
    const actions = await auditActions(store);
    expect(actions.filter((a) => a === "run.checklist-tick")).toHaveLength(2);
    const events = await store.runs.events(run.id);
    expect(events.filter((e) => e.type === "checklist.tick").map((e) => e.data.by)).toEqual(["ana", "bo"]);
  });

  it("fails the step on a failed checklist item, with the note in the message", async () => {
    const settings: VerificationSettings = {
      checks: [{ name: "smoke", check: { kind: "manual-checklist", name: "smoke", items: ["log in"] } }],
      triggers: [],
    };
    const run = await engine.startRun(plan("cf", settings));
    await engine.untilVerifyStep(run.id, "verify waiting", (s) => s.state === "waiting");
    await store.verification.tick(
      run.id,
      { stepKey: "w0/verify/orders", item: "log in", result: "fail", note: "SSO loops", by: "ana" },
      Date.now(),
    );
    await engine.untilVerifyStep(run.id, "verify failed", (s) => s.state === "failed", 5000);
    expect((await verifyStep(run.id))?.message).toMatch(/"log in" failed by ana: SSO loops/);
  });

  it("rolls back within a second when the health probe fails 3 times in a row, recording the trigger", async () => {
    healthStatus = 503;
    const settings: VerificationSettings = {
      checks: [
        {
          name: "probe",
          interval: "200ms",
          count: 10,
          failureLimit: 10,
          check: {
            kind: "synthetic-http",
            name: "probe",
            steps: [{ url: `${health.url}/healthz`, expectStatus: 200 }],
          },
        },
      ],
      triggers: [{ name: "health-probes", check: "probe", failures: 3 }],
    };
    const run = await engine.startRun(plan("hp", settings));
    await engine.untilPhase(run.id, "RolledBack", 15_000);
    const events = await store.runs.events(run.id);
    const fired = events.find((e) => e.type === "trigger.rollback");
    expect(fired?.data).toMatchObject({ trigger: "health-probes", action: "rollback" });
    expect(JSON.stringify(fired?.data.evidence)).toContain('"consecutive":3');
    const reverted = events.find(
      (e) => e.type === "step.succeeded" && e.stepKey?.includes("deploy") && e.at >= (fired?.at ?? 0),
    );
    const planned = events.find((e) => e.type === "run.rollback-planned");
    expect(planned).toBeDefined();
    // From the trigger to the rollback step having run: the engine reacted at once, not after the lease.
    expect((reverted?.at ?? Number.POSITIVE_INFINITY) - (fired?.at ?? 0)).toBeLessThan(1000);
    process.stdout.write(
      `trigger to reverted deploy step on ${target.name}: ${(reverted?.at ?? 0) - (fired?.at ?? 0)} ms\n`,
    );
    const actions = await auditActions(store);
    expect(actions).toContain("run.rollback-trigger");
    expect(actions).toContain("run.signal");
  });

  it("waits for promote when the trigger's policy says pause", async () => {
    healthStatus = 503;
    const settings: VerificationSettings = {
      checks: [
        {
          name: "probe",
          check: {
            kind: "synthetic-http",
            name: "probe",
            steps: [{ url: `${health.url}/healthz`, expectStatus: 200 }],
          },
        },
      ],
      triggers: [{ name: "health-pause", check: "probe", action: "pause" }],
    };
    const run = await engine.startRun(plan("pp", settings));
    await engine.untilVerifyStep(run.id, "paused by trigger", (s) =>
      /paused|policy says pause/.test(s.message ?? ""),
    );
    expect(await phase(run.id)).toBe("Running");
    expect((await store.runs.events(run.id)).some((e) => e.type === "trigger.pause")).toBe(true);
    await store.runs.signal(run.id, { kind: "promote", stepKey: "w0/verify/orders", by: "ana" }, Date.now());
    await engine.untilPhase(run.id, "Succeeded", 5000);
    expect((await verifyStep(run.id))?.message).toMatch(/promoted by ana after trigger "health-pause"/);
  });
});
