/**
 * The verify handler inside the real engine and store (SQLite and PostgreSQL): a manual checklist
 * that waits for people and moves on when they tick, a health probe whose third failure in a row
 * fires a rollback trigger (the rollback starts within a second, the trigger and its evidence are
 * on the run), and a trigger whose policy says pause (the step waits for promote).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EffectLog } from "../../src/adapters/drivers/test/effect-log.js";
import { testStepHandler } from "../../src/adapters/drivers/test/test-step-handler.js";
import type { VerificationSettings } from "../../src/core/analysis/verification-settings.js";
import type { DomainError } from "../../src/core/errors/domain-error.js";
import type { RunPlan } from "../../src/core/run/run-plan.js";
import { HandlerRegistry } from "../../src/engine/handler-registry.js";
import { createVerifyHandler } from "../../src/engine/handlers/verify-handler.js";
import { Worker } from "../../src/engine/worker.js";
import { verificationPorts } from "../../src/server/verification-runtime.js";
import type { Store } from "../../src/store/store.js";
import { STORE_TARGETS } from "../support/store-targets.js";
import { type LocalServer, serve } from "./local-services.js";

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

async function auditActions(store: Store): Promise<string[]> {
  const actions: string[] = [];
  await store.audit.scan((batch) => actions.push(...batch.map((r) => r.action)));
  return actions;
}

/** A deploy step (reverted on rollback) followed by a verify step with these settings. */
function plan(name: string, verification: VerificationSettings): RunPlan {
  return {
    release: name,
    environment: "staging",
    steps: [
      {
        key: "w0/deploy/orders",
        kind: "test",
        service: "orders",
        wave: 0,
        dependsOn: [],
        input: { effects: ["up"] },
      },
      {
        key: "w0/verify/orders",
        kind: "verify",
        service: "orders",
        wave: 0,
        dependsOn: ["w0/deploy/orders"],
        input: { to: "1.1.0", from: "1.0.0", verification },
      },
    ],
  };
}

describe.each(STORE_TARGETS)("verify steps in the engine on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let dir: string;
  let worker: Worker;
  let health: LocalServer;
  let healthStatus = 200;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    dir = mkdtempSync(join(tmpdir(), "upshift-verify-"));
    const handlers = new HandlerRegistry([
      createVerifyHandler(verificationPorts(store)),
      testStepHandler(new EffectLog(join(dir, "effects.log"))),
    ]);
    store.runs.setRevertible((k) => handlers.isRevertible(k));
    worker = new Worker({
      id: "w1",
      store: store.runs,
      wakeUps: store.wakeUps,
      handlers,
      leaseMs: 5000,
      pollMs: 200,
    });
    worker.start();
    healthStatus = 200;
    health = await serve((_req, res) =>
      res.writeHead(healthStatus).end(healthStatus === 200 ? "ok" : "down"),
    );
  });
  afterEach(async () => {
    await worker.halt();
    await health.close();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const phase = async (id: string) => (await store.runs.getRun(id))?.run.phase;
  const verifyStep = async (id: string) =>
    (await store.runs.getRun(id))?.steps.find(
      (s) => s.key === "w0/verify/orders" && s.direction === "forward",
    );

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
    const run = await store.runs.createRun(plan("cl", settings), { startedBy: "ana", now: Date.now() });
    await until("verify waiting", async () => (await verifyStep(run.id))?.state === "waiting");
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
    await until("verify read the first tick", async () => {
      const step = await verifyStep(run.id);
      return step?.state === "waiting" && /waiting for 1 of 2/.test(step.message ?? "");
    });
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
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded", 5000);
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
    const run = await store.runs.createRun(plan("cf", settings), { startedBy: "ana", now: Date.now() });
    await until("verify waiting", async () => (await verifyStep(run.id))?.state === "waiting");
    await store.verification.tick(
      run.id,
      { stepKey: "w0/verify/orders", item: "log in", result: "fail", note: "SSO loops", by: "ana" },
      Date.now(),
    );
    await until("verify failed", async () => (await verifyStep(run.id))?.state === "failed", 5000);
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
    const run = await store.runs.createRun(plan("hp", settings), { startedBy: "ana", now: Date.now() });
    await until("rolled back", async () => (await phase(run.id)) === "RolledBack", 15_000);
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
    const run = await store.runs.createRun(plan("pp", settings), { startedBy: "ana", now: Date.now() });
    await until("paused by trigger", async () =>
      /paused|policy says pause/.test((await verifyStep(run.id))?.message ?? ""),
    );
    expect(await phase(run.id)).toBe("Running");
    expect((await store.runs.events(run.id)).some((e) => e.type === "trigger.pause")).toBe(true);
    await store.runs.signal(run.id, { kind: "promote", stepKey: "w0/verify/orders", by: "ana" }, Date.now());
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded", 5000);
    expect((await verifyStep(run.id))?.message).toMatch(/promoted by ana after trigger "health-pause"/);
  });
});
