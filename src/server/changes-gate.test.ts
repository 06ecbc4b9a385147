import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import { until } from "../../test/support/until.js";
import { EffectLog } from "../adapters/drivers/test/effect-log.js";
import { testStepHandler } from "../adapters/drivers/test/test-step-handler.js";
import { HandlerRegistry } from "../engine/handler-registry.js";
import { Worker } from "../engine/worker.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";
import { changeStepGate } from "./changes/change-step-gate.js";

const fleet = readFileSync(new URL("../../test/fixtures/change-fleet.yaml", import.meta.url), "utf8");
const T = (iso: string) => Date.parse(iso);
const WINDOW = { start: "2027-06-10T22:00:00.000Z", end: "2027-06-11T02:00:00.000Z" };
const RECHECK_MS = 60_000;

describe.each(STORE_TARGETS)("runs and their change request on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let dir: string;
  let effects: EffectLog;
  let worker: Worker | undefined;
  let clock = T("2027-06-01T10:00:00Z");
  const tokens: Record<string, string> = {};

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    clock = T("2027-06-01T10:00:00Z");
    dir = mkdtempSync(join(tmpdir(), "upshift-gate-"));
    effects = new EffectLog(join(dir, "effects.log"));
    app = await buildApp({ store, now: () => new Date(clock) });
    const at = new Date(clock);
    tokens.ann = (await store.tokens.create("ann", "admin", at)).token;
    tokens.rita = (await store.tokens.create("rita", "operator", at)).token;
    tokens.otto = (await store.tokens.create("otto", "operator", at)).token;
    tokens.alice = (await store.tokens.create("alice", "approver", at, { groups: ["app-owners"] })).token;
    tokens.bob = (await store.tokens.create("bob", "approver", at, { groups: ["cab"] })).token;
    const applied = await app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { authorization: `Bearer ${tokens.ann}`, "content-type": "application/yaml" },
      payload: fleet,
    });
    expect(applied.statusCode, applied.body).toBe(200);
  });
  afterEach(async () => {
    await worker?.halt();
    worker = undefined;
    await app.close();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (who: string, method: "GET" | "POST" | "PATCH", url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const act = (who: string, number: string, action: string, body: unknown = {}) =>
    call(who, "POST", `/v1/changes/${number}/transitions/${action}`, body);
  const startWorker = () => {
    const handlers = new HandlerRegistry([testStepHandler(effects)]);
    store.runs.setRevertible((k) => handlers.isRevertible(k));
    worker = new Worker({
      id: "w1",
      store: store.runs,
      wakeUps: store.wakeUps,
      handlers,
      // Long leases: the test moves the clock by minutes while a step runs.
      leaseMs: 600_000,
      pollMs: 50,
      clock: () => clock,
      retry: { maxAttempts: 3, backoffMs: () => 10 },
      stepGate: changeStepGate(store, RECHECK_MS),
    });
    worker.start();
  };
  /** A standard change for r1 in prod with WINDOW, Scheduled (standard changes need no approval). */
  const scheduledChange = async () => {
    const res = await call("rita", "POST", "/v1/changes", {
      release: "r1",
      environment: "prod",
      type: "standard",
      ...WINDOW,
    });
    expect(res.statusCode, res.body).toBe(201);
    const number = res.json().number as string;
    expect((await act("rita", number, "submit")).json().state).toBe("Scheduled");
    return number;
  };
  const threeSteps = (environment = "prod", sleepMs = 300) => ({
    plan: {
      release: "r1",
      environment,
      steps: [
        { key: "s0", kind: "test", wave: 0, dependsOn: [], input: { effects: ["a", "b"], sleepMs } },
        { key: "s1", kind: "test", wave: 1, dependsOn: ["s0"], input: { effects: ["a"] } },
        { key: "s2", kind: "test", wave: 2, dependsOn: ["s1"], input: { effects: ["a"] } },
      ],
    },
  });
  const step = async (runId: string, key: string) =>
    (await store.runs.getRun(runId))?.steps.find((s) => s.key === key);
  const applied = (runId: string) =>
    effects
      .read()
      .map((e) => e.key)
      .filter((k) => k.startsWith(`${runId}/`))
      .map((k) => k.slice(runId.length + 1));

  it("creates the change a run request needs, once, even for requests that arrive together", async () => {
    const requests = await Promise.all(
      ["otto", "rita", "otto"].map((who) =>
        call(who, "POST", "/v1/runs", { release: "r1", environment: "prod" }),
      ),
    );
    expect(requests.map((r) => r.statusCode)).toEqual([409, 409, 409]);
    const codes = requests.map((r) => r.json().code).sort();
    expect(codes).toEqual(["change.created", "change.required", "change.required"]);
    const created = requests.find((r) => r.json().code === "change.created")?.json();
    expect(created.detail).toMatch(/this request created CHG-1 \(normal, New, requested by (otto|rita)\)/);
    const listed = (await call("otto", "GET", "/v1/changes")).json().items;
    expect(listed.map((c: { number: string }) => c.number)).toEqual(["CHG-1"]);
    // Planned from the same documents as the run: the release's services, its plan pinned.
    const change = (await call("otto", "GET", "/v1/changes/CHG-1")).json();
    expect(change.services).toMatchObject([{ name: "api", tier: 1 }]);
    expect(change.plan.generations).toMatchObject({ "Release/r1": 1, "Service/api": 1 });
    expect(change.plan.waves[0].steps).toContainEqual(expect.objectContaining({ service: "api" }));
    expect(change.risk.factors.map((f: { name: string }) => f.name)).toContain("blast radius");
    // A canceled change no longer counts: the next request makes a new one.
    expect((await act("rita", "CHG-1", "cancel", { reason: "wrong release" })).json().state).toBe("Canceled");
    const next = await call("otto", "POST", "/v1/runs", { release: "r1", environment: "prod" });
    expect(next.json()).toMatchObject({ code: "change.created" });
    expect(next.json().detail).toContain("created CHG-2");
    // Unprotected environments create nothing.
    const staging = await call("otto", "POST", "/v1/runs", threeSteps("staging", 0));
    expect(staging.statusCode, staging.body).toBe(201);
    expect((await call("otto", "GET", "/v1/changes")).json().items).toHaveLength(2);
  });

  it("runs every step of a protected run while its change is in Implement inside the window; unprotected runs carry no change", async () => {
    const number = await scheduledChange();
    clock = T("2027-06-10T23:00:00Z");
    const started = await call("otto", "POST", "/v1/runs", threeSteps("prod", 0));
    expect(started.statusCode, started.body).toBe(201);
    const runId = started.json().id as string;
    expect((await call("otto", "GET", `/v1/changes/${number}`)).json().state).toBe("Implement");
    const staging = (await call("otto", "POST", "/v1/runs", threeSteps("staging", 0))).json().id as string;
    const rows = await store.database.db
      .selectFrom("steps")
      .select(["run_id", "change_number"])
      .where("run_id", "in", [runId, staging])
      .execute();
    expect(rows.filter((r) => r.run_id === runId).map((r) => r.change_number)).toEqual([
      number,
      number,
      number,
    ]);
    expect(rows.filter((r) => r.run_id === staging).map((r) => r.change_number)).toEqual([null, null, null]);
    startWorker();
    await until("both runs succeed", async () =>
      (await Promise.all([runId, staging].map((id) => store.runs.getRun(id)))).every(
        (g) => g?.run.phase === "Succeeded",
      ),
    );
    expect(applied(runId).sort()).toEqual(["s0/a", "s0/b", "s1/a", "s2/a"]);
  });

  it("stops the next step when the change is canceled mid-run: the step fails with the reason, the run fails", async () => {
    const number = await scheduledChange();
    clock = T("2027-06-10T23:00:00Z");
    const started = await call("otto", "POST", "/v1/runs", threeSteps("prod", 400));
    expect(started.statusCode, started.body).toBe(201);
    const runId = started.json().id as string;
    startWorker();
    await until("s0 runs", async () => (await step(runId, "s0"))?.state === "running");
    const canceled = await act("rita", number, "cancel", { reason: "supplier outage" });
    expect(canceled.json().state).toBe("Canceled");
    await until("the run fails", async () => (await store.runs.getRun(runId))?.run.phase === "Failed");
    expect((await step(runId, "s0"))?.state).toBe("succeeded");
    const s1 = await step(runId, "s1");
    expect(s1?.state).toBe("failed");
    expect(s1?.message).toBe(
      `${number} was canceled by rita (supplier outage); no step of its run may start: abort the run to roll back what it changed`,
    );
    expect(s1?.attempt).toBe(1);
    expect((await step(runId, "s2"))?.state).toBe("pending");
    expect(applied(runId).sort()).toEqual(["s0/a", "s0/b"]);
    const failedEvent = (await store.runs.events(runId)).find((e) => e.type === "step.failed");
    expect(failedEvent).toMatchObject({ stepKey: "s1", data: { message: s1?.message } });
    // Rolling back is never held by the change: what s0 did is reverted.
    const aborted = await call("otto", "POST", `/v1/runs/${runId}/signals`, {
      kind: "abort",
      reason: "canceled",
    });
    expect(aborted.statusCode, aborted.body).toBe(200);
    await until(
      "the run rolls back",
      async () => (await store.runs.getRun(runId))?.run.phase === "RolledBack",
    );
    expect(applied(runId)).toContain("s0/revert:b");
  });

  it("holds the next step when the window ends mid-run, names the change in the step's event, and looks again later", async () => {
    const number = await scheduledChange();
    clock = T("2027-06-11T01:59:00Z");
    const started = await call("otto", "POST", "/v1/runs", threeSteps("prod", 300));
    expect(started.statusCode, started.body).toBe(201);
    const runId = started.json().id as string;
    startWorker();
    await until("s0 runs", async () => (await step(runId, "s0"))?.state === "running");
    clock = T("2027-06-11T02:00:30Z");
    await until("s1 is held", async () => (await step(runId, "s1"))?.state === "waiting");
    const held = `held: ${number}'s window closed at 2027-06-11T02:00:00.000Z; no step starts outside it: abort to roll back, or finish in a new change`;
    expect((await step(runId, "s0"))?.state).toBe("succeeded");
    expect((await step(runId, "s1"))?.message).toBe(held);
    expect(applied(runId).sort()).toEqual(["s0/a", "s0/b"]);
    const waits = async () =>
      (await store.runs.events(runId)).filter((e) => e.type === "step.waiting" && e.stepKey === "s1");
    expect(await waits()).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ message: held, until: "2027-06-11T02:01:30.000Z" }),
      }),
    ]);
    expect((await store.runs.getRun(runId))?.run.phase).toBe("Running");
    // Looked at again after the recheck interval: still outside the window, still held.
    clock += RECHECK_MS + 1;
    await until("s1 is checked again", async () => (await waits()).length === 2);
    expect((await step(runId, "s1"))?.state).toBe("waiting");
    expect((await step(runId, "s1"))?.attempt).toBe(1);
    expect((await step(runId, "s2"))?.state).toBe("pending");
    expect(applied(runId).sort()).toEqual(["s0/a", "s0/b"]);
  });
});
