import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { RunPlan } from "../core/run/run-plan.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const rollout = (service: string, from: string, to: string) => ({
  key: `w0/rollout/${service}`,
  kind: "rollout",
  service,
  wave: 0,
  dependsOn: [],
  input: { from, to, strategy: { canary: { steps: [{ setWeight: 50 }] } } },
});
const plan: RunPlan = {
  release: "r1",
  environment: "dev",
  steps: [rollout("web", "1.0.0", "2.0.0"), rollout("orders", "3.0.0", "3.1.0")],
};

describe.each(STORE_TARGETS)("promote, rollback and artifacts over HTTP on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  const now = new Date("2026-11-27T10:00:00Z");

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    app = await buildApp({ store, now: () => now });
    headers = { authorization: `Bearer ${(await store.tokens.create("ops", "admin", now)).token}` };
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });
  const post = (url: string, body: unknown = {}) =>
    app.inject({
      method: "POST",
      url,
      headers: { ...headers, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });

  it("promotes the named service's rollout step, and says which services to choose from", async () => {
    const run = await store.runs.createRun(plan, { startedBy: "t", now: now.getTime() });
    const none = await post(`/v1/runs/${run.id}/promote`);
    expect(none.statusCode).toBe(400);
    expect(none.json().detail).toMatch(/no rollout waiting/);
    const unknown = await post(`/v1/runs/${run.id}/promote`, { service: "billing" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toMatch(
      /no rollout of billing in progress; in progress: (web, orders|orders, web)/,
    );
    const ok = await post(`/v1/runs/${run.id}/promote`, { service: "web", reason: "looks good" });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().promoted).toEqual({ service: "web", step: "w0/rollout/web" });
    const signals = await store.runs.signalsFor(run.id, "w0/rollout/web");
    expect(signals).toEqual([
      expect.objectContaining({ kind: "promote", stepKey: "w0/rollout/web", by: "ops" }),
    ]);
    expect((await post("/v1/runs/nope/promote", { service: "web" })).statusCode).toBe(404);
  });

  it("rolls back a running run in place, and a finished run with a new run back to the version before", async () => {
    const running = await store.runs.createRun(plan, { startedBy: "t", now: now.getTime() });
    const aborted = await post(`/v1/runs/${running.id}/rollback`, { reason: "bad" });
    expect(aborted.statusCode).toBe(202);
    // Without an engine no handler marks rollouts revertible, so there is nothing to revert: Aborted.
    expect(["RollingBack", "RolledBack", "Aborted"]).toContain(aborted.json().run.phase);

    const finished = await store.runs.createRun(
      { ...plan, release: "r2", steps: [rollout("web", "0.0.0", "2.0.0")] },
      { startedBy: "t", now: now.getTime() + 1 },
    );
    // A worker finishes the step as the rollout handler would: it found 1.0.0 running in "stable".
    const [claimed] = await store.runs.claim("w", 10_000, 1, now.getTime() + 2);
    expect(claimed?.runId).toBe(finished.id);
    const output = {
      mode: "strategy",
      plan: {
        kind: "canary",
        stable: { version: "1.0.0", slot: "stable" },
        canary: { version: "2.0.0", slot: "canary" },
        replicas: 1,
        steps: [],
      },
    };
    const fence = { stepId: claimed?.id ?? "", generation: claimed?.generation ?? 0, runId: finished.id };
    const retry = { maxAttempts: 1, backoffMs: () => 0 };
    await store.runs.complete(fence, { kind: "succeeded", output }, now.getTime() + 3, retry);
    expect((await store.runs.getRun(finished.id))?.run.phase).toBe("Succeeded");

    const back = await post(`/v1/runs/${finished.id}/rollback`);
    expect(back.statusCode).toBe(201);
    const created = back.json();
    expect(created.rollbackOf).toBe(finished.id);
    expect(created.run.steps.map((s: { id: string }) => s.id)).toEqual(["rollback/w0/rollout/web"]);
    const row = await store.database.db
      .selectFrom("runs")
      .select("plan")
      .where("id", "=", created.run.id)
      .executeTakeFirstOrThrow();
    expect((JSON.parse(row.plan) as RunPlan).steps[0]?.input).toMatchObject({
      from: "1.0.0",
      to: "2.0.0",
      rollback: true,
      revertOf: "w0/rollout/web",
      revertRun: finished.id,
    });
    // The rollback run holds the service: a second one is refused until it ends.
    expect((await post(`/v1/runs/${finished.id}/rollback`)).statusCode).toBe(409);
  });

  it("registers artifacts once: same digest is a no-op, another is refused with the registered one", async () => {
    const first = await post("/v1/artifacts", {
      name: "web",
      version: "2.0.0",
      digest: A,
      path: "/srv/web-2",
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      name: "web",
      version: "2.0.0",
      digest: A,
      created: true,
      registeredBy: "ops",
    });
    expect((await post("/v1/artifacts", { name: "web", version: "2.0.0", digest: A })).statusCode).toBe(200);
    const refused = await post("/v1/artifacts", { name: "web", version: "2.0.0", digest: B });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: "artifact.digest-immutable" });
    expect(refused.json().detail).toContain(A);
    const bad = await post("/v1/artifacts", { name: "web", version: "2.0.1", digest: "sha1:abc" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/digest "sha1:abc" must be "sha256:"/);
    expect((await post("/v1/artifacts", { name: "web" })).statusCode).toBe(400);
    const list = await app.inject({ method: "GET", url: "/v1/artifacts?name=web", headers });
    expect(list.json().items.map((a: { version: string }) => a.version)).toEqual(["2.0.0"]);
  });
});
