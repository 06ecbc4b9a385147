import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { Store } from "../store/store.js";
import { buildApp } from "./app.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const workspace = ["fleet", "environments", "governance", "release"]
  .map((f) => read(`examples/workspace/${f}.yaml`))
  .join("\n---\n");

describe.each(STORE_TARGETS)("plans and release runs over HTTP on $name", (target) => {
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

  const apply = (payload: string) =>
    app.inject({
      method: "POST",
      url: "/v1/documents",
      headers: { ...headers, "content-type": "application/yaml" },
      payload,
    });
  const post = (url: string, body: unknown) =>
    app.inject({
      method: "POST",
      url,
      headers: { ...headers, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });

  it("plans a stored release, keeps the plan with its document generations, and serves it again", async () => {
    expect((await apply(workspace)).statusCode).toBe(200);
    const res = await post("/v1/plans", { release: "r2027-01", environment: "prod" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.plan).toMatchObject({
      release: "r2027-01",
      feasible: true,
      environments: [{ name: "prod" }],
    });
    expect(body.plan.environments[0].waves[0].steps).toContainEqual({
      kind: "rollout",
      service: "payments",
      from: "2.1.0",
      to: "3.0.0",
    });
    expect(body.generations).toMatchObject({ "Release/r2027-01": 1, "Service/orders": 1 });
    const again = await app.inject({ url: `/v1/plans/${body.id}`, headers });
    expect(again.json().plan).toEqual(body.plan);
  });

  it("reports an infeasible release with its conflict, and refuses to start a run of it (422)", async () => {
    await apply(read("test/fixtures/plan-mutual-break.yaml"));
    const plan = (await post("/v1/plans", { release: "big-bang" })).json().plan;
    expect(plan.feasible).toBe(false);
    expect(plan.conflicts.length).toBeGreaterThanOrEqual(1);
    for (const c of plan.conflicts) expect(c.services).toEqual(["orders", "payments"]);
    const run = await post("/v1/runs", { release: "big-bang", environment: "prod" });
    expect(run.statusCode).toBe(422);
    expect(run.json().code).toBe("plan.infeasible");
    expect(run.json().errors.conflicts).toEqual(plan.conflicts);
  });

  it("starts a run of a release as the DAG of its plan and lets an operator abort it", async () => {
    await apply(workspace);
    const res = await post("/v1/runs", { release: "r2027-01", environment: "staging" });
    expect(res.statusCode).toBe(201);
    const run = res.json();
    expect(run.phase).toBe("Running");
    expect(run.steps.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining([
        "w0/rollout/payments",
        "w0/migrate-expand/orders",
        "w0/verify/payments",
        "w1/rollout/orders",
      ]),
    );
    const busy = await post("/v1/runs", { release: "r2027-01", environment: "staging" });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().detail).toContain(run.id);
    const aborted = await post(`/v1/runs/${run.id}/signals`, { kind: "abort", reason: "not today" });
    expect(aborted.json().phase).toBe("Aborted");
    const events = (await app.inject({ url: `/v1/runs/${run.id}/events`, headers })).json().items;
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["run.created", "signal.abort", "run.phase"]),
    );
    expect(events.find((e: { type: string }) => e.type === "signal.abort").data).toMatchObject({
      by: "ops",
      reason: "not today",
    });
    // Every mutation above is in the hash-chained audit log, with who did it, and the chain holds.
    const actions: string[] = [];
    await store.audit.scan((batch) => {
      for (const r of batch) actions.push(`${r.actor} ${r.action} ${r.subject.split("/")[0]}`);
    });
    const kinds = [
      "Service",
      "Service",
      "Service",
      "Service",
      "Environment",
      "Environment",
      "Calendar",
      "Policy",
      "Resource",
      "Release",
    ];
    expect(actions).toEqual([
      "store token.create token",
      ...kinds.map((k) => `ops document.apply ${k}`),
      "ops run.start run",
      "ops run.signal run",
      // The abort ended the run (nothing had started, so nothing to roll back): its phase change too.
      "system run.finish run",
    ]);
    expect((await store.audit.verify()).kind).toBe("intact");
  });

  it("serves the change calendar as iCalendar that ical.js parses", async () => {
    await apply(workspace);
    const res = await app.inject({ url: "/v1/calendar.ics?environment=prod", headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/calendar");
    const ICAL = (await import("ical.js")).default;
    const component = new ICAL.Component(ICAL.parse(res.body));
    const events = component.getAllSubcomponents("vevent");
    expect(
      events.map((e: { getFirstPropertyValue(n: string): unknown }) =>
        String(e.getFirstPropertyValue("summary")),
      ),
    ).toEqual(expect.arrayContaining([expect.stringContaining("business-hours-freeze")]));
  });

  it("streams run events as server-sent events and resumes after Last-Event-ID", async () => {
    await apply(workspace);
    const run = (await post("/v1/runs", { release: "r2027-01", environment: "staging" })).json();
    await post(`/v1/runs/${run.id}/signals`, { kind: "abort" });
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const stream = await fetch(`${address}/v1/runs/${run.id}/events`, {
      headers: { ...headers, accept: "text/event-stream" },
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const text = await stream.text();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(text).toContain("event: end");
    const resumed = await fetch(`${address}/v1/runs/${run.id}/events`, {
      headers: { ...headers, accept: "text/event-stream", "last-event-id": String(ids[1]) },
    });
    const resumedIds = [...(await resumed.text()).matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(resumedIds).toEqual(ids.slice(2));
  });
});
