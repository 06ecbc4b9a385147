import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import { until } from "../../test/support/until.js";
import { EffectLog } from "../adapters/drivers/test/effect-log.js";
import { testStepHandler } from "../adapters/drivers/test/test-step-handler.js";
import type { DomainError } from "../core/errors/domain-error.js";
import type { PlannedStep, RunPlan } from "../core/run/run-plan.js";
import type { Store } from "../store/store.js";
import { HandlerRegistry } from "./handler-registry.js";
import { gateHandler } from "./handlers/gate-handler.js";
import { verifyHandler } from "./handlers/verify-handler.js";
import { waitHandler } from "./handlers/wait-handler.js";
import { Worker } from "./worker.js";

/** A chain of `n` test steps, wave i depending on wave i-1, each with two effects. */
function chain(name: string, n: number, extra: (i: number) => Partial<PlannedStep> = () => ({})): RunPlan {
  const steps: PlannedStep[] = [];
  for (let i = 0; i < n; i++) {
    steps.push({
      key: `s${i}`,
      kind: "test",
      service: `${name}-svc${i}`,
      wave: i,
      dependsOn: i === 0 ? [] : [`s${i - 1}`],
      input: { effects: ["a", "b"] },
      ...extra(i),
    });
  }
  return { release: name, environment: "staging", steps };
}

describe.each(STORE_TARGETS)("run engine on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let dir: string;
  let effects: EffectLog;
  let handlers: HandlerRegistry;
  const workers: Worker[] = [];
  const worker = (id: string, leaseMs = 3000) => {
    const w = new Worker({
      id,
      store: store.runs,
      wakeUps: store.wakeUps,
      handlers,
      leaseMs,
      pollMs: 100,
      retry: { maxAttempts: 3, backoffMs: () => 10 },
    });
    workers.push(w);
    w.start();
    return w;
  };
  const phase = async (id: string) => (await store.runs.getRun(id))?.run.phase;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    dir = mkdtempSync(join(tmpdir(), "upshift-engine-"));
    effects = new EffectLog(join(dir, "effects.log"));
    handlers = new HandlerRegistry([waitHandler, gateHandler, verifyHandler, testStepHandler(effects)]);
    store.runs.setRevertible((k) => handlers.isRevertible(k));
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.halt()));
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a DAG in dependency order and records every transition as an event", async () => {
    worker("w1");
    const run = await store.runs.createRun(chain("r1", 4), { startedBy: "alice", now: Date.now() });
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded");
    const keys = effects.read().map((e) => e.key);
    expect(keys).toEqual(
      ["s0/a", "s0/b", "s1/a", "s1/b", "s2/a", "s2/b", "s3/a", "s3/b"].map((k) => `${run.id}/${k}`),
    );
    const events = await store.runs.events(run.id);
    expect(events[0]?.type).toBe("run.created");
    expect(events.filter((e) => e.type === "step.succeeded")).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: "run.phase", data: { to: "Succeeded" } });
    const got = await store.runs.getRun(run.id);
    expect(got?.steps.every((s) => s.state === "succeeded" && s.attempt === 1)).toBe(true);
  });

  it("refuses a second active run on the same service and environment, naming the holder", async () => {
    const first = await store.runs.createRun(chain("a", 2), { startedBy: null, now: Date.now() });
    const error = await store.runs
      .createRun(chain("a", 1), { startedBy: null, now: Date.now() })
      .catch((e: unknown) => e);
    expect((error as DomainError).code).toBe("run.service-busy");
    expect((error as DomainError).message).toContain(first.id);
  });

  it("retries a failing step with backoff and then succeeds", async () => {
    worker("w1");
    const run = await store.runs.createRun(
      chain("retry", 1, () => ({ input: { effects: ["x"], failAttempts: 2 } })),
      { startedBy: null, now: Date.now() },
    );
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded");
    const got = await store.runs.getRun(run.id);
    expect(got?.steps[0]?.attempt).toBe(3);
    expect((await store.runs.events(run.id)).filter((e) => e.type === "step.retrying")).toHaveLength(2);
  });

  it("waits on a durable timer and on a gate until approved", async () => {
    worker("w1");
    const plan: RunPlan = {
      release: "gated",
      environment: "prod",
      steps: [
        { key: "timer", kind: "wait", wave: 0, dependsOn: [], input: { duration: 0.3 } },
        { key: "approval", kind: "gate", wave: 1, dependsOn: ["timer"], input: {} },
        { key: "verify", kind: "verify", wave: 2, dependsOn: ["approval"], input: {} },
      ],
    };
    const started = Date.now();
    const run = await store.runs.createRun(plan, { startedBy: null, now: started });
    await until(
      "gate waiting",
      async () =>
        (await store.runs.getRun(run.id))?.steps.find((s) => s.key === "approval")?.state === "waiting",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 200));
    expect(await phase(run.id)).toBe("Running");
    await store.runs.signal(run.id, { kind: "approve", stepKey: "approval", by: "carol" }, Date.now());
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded");
    const gate = (await store.runs.getRun(run.id))?.steps.find((s) => s.key === "approval");
    expect(gate?.output).toMatchObject({ approvedBy: "carol", signal: "approve" });
  });

  it("pauses (no new steps start) and resumes", async () => {
    const run = await store.runs.createRun(chain("p", 3), { startedBy: null, now: Date.now() });
    await store.runs.signal(run.id, { kind: "pause", by: "op" }, Date.now());
    worker("w1");
    await new Promise((r) => setTimeout(r, 400));
    expect(effects.read()).toEqual([]);
    expect(await phase(run.id)).toBe("Paused");
    await store.runs.signal(run.id, { kind: "resume", by: "op" }, Date.now());
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded");
  });

  it("aborts into a rollback that reverts completed waves in reverse order", async () => {
    worker("w1");
    const run = await store.runs.createRun(
      chain("ab", 3, (i) => (i === 2 ? { kind: "gate", input: {} } : {})),
      { startedBy: null, now: Date.now() },
    );
    await until(
      "gate waiting",
      async () => (await store.runs.getRun(run.id))?.steps.find((s) => s.key === "s2")?.state === "waiting",
    );
    await store.runs.signal(run.id, { kind: "abort", by: "op", reason: "bad canary" }, Date.now());
    await until("rolled back", async () => (await phase(run.id)) === "RolledBack");
    const keys = effects.read().map((e) => e.key.replace(`${run.id}/`, ""));
    expect(keys).toEqual([
      "s0/a",
      "s0/b",
      "s1/a",
      "s1/b",
      "s1/revert:b",
      "s1/revert:a",
      "s0/revert:b",
      "s0/revert:a",
    ]);
    const after = await store.runs.createRun(chain("ab", 1), { startedBy: null, now: Date.now() });
    expect(after.phase).toBe("Running");
  });

  it("wakes a sibling's durable timer after its wave-mate failed the run, and starts nothing new", async () => {
    worker("w1");
    const plan: RunPlan = {
      release: "siblings",
      environment: "prod",
      steps: [
        { key: "bad", kind: "test", service: "a", wave: 0, dependsOn: [], input: { fail: true } },
        { key: "timer", kind: "wait", service: "b", wave: 0, dependsOn: [], input: { duration: 1 } },
        { key: "next", kind: "test", service: "c", wave: 1, dependsOn: ["bad", "timer"], input: {} },
      ],
    };
    const run = await store.runs.createRun(plan, { startedBy: null, now: Date.now() });
    await until("failed", async () => (await phase(run.id)) === "Failed");
    const stepState = async (key: string) =>
      (await store.runs.getRun(run.id))?.steps.find((s) => s.key === key)?.state;
    await until("timer finished", async () => (await stepState("timer")) === "succeeded", 10_000);
    expect(await stepState("next")).toBe("pending");
    expect(await phase(run.id)).toBe("Failed");
  });

  it("fails a run on a permanently failing step; retry-step and skip-step recover it", async () => {
    worker("w1");
    const run = await store.runs.createRun(
      chain("f", 2, (i) => (i === 0 ? { input: { fail: true } } : {})),
      { startedBy: null, now: Date.now() },
    );
    await until("failed", async () => (await phase(run.id)) === "Failed");
    const skip = await store.runs.signal(
      run.id,
      { kind: "skip-step", stepKey: "s0", by: "op", reason: "known flaky" },
      Date.now(),
    );
    expect(skip.phase).toBe("Running");
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded");
    const noReason = await store.runs
      .signal(run.id, { kind: "skip-step", stepKey: "s0", by: "op" }, Date.now())
      .catch((e: unknown) => e);
    expect((noReason as DomainError).code).toBe("run.finished");
  });

  it("takes over a step whose worker vanished, after the lease, without repeating its effects", async () => {
    const w1 = worker("w1", 600);
    const run = await store.runs.createRun(
      chain("t", 1, () => ({ input: { effects: ["a", "b", "c"], sleepMs: 250 } })),
      { startedBy: null, now: Date.now() },
    );
    await until("first effect", async () => effects.read().length >= 1);
    await w1.halt();
    const haltedAt = Date.now();
    worker("w2", 600);
    await until("run succeeded", async () => (await phase(run.id)) === "Succeeded");
    expect(Date.now() - haltedAt).toBeLessThan(600 + 5000);
    const keys = effects.read().map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(3);
    const step = (await store.runs.getRun(run.id))?.steps[0];
    expect(step?.attempt).toBe(2);
    expect((await store.runs.events(run.id)).some((e) => e.type === "step.takeover")).toBe(true);
  });
});
