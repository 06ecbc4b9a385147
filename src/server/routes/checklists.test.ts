import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STORE_TARGETS } from "../../../test/support/store-targets.js";
import type { Store } from "../../store/store.js";
import { buildApp } from "../app.js";

describe.each(STORE_TARGETS)("checklist API on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let operator: string;
  let viewer: string;
  let runId: string;
  const now = new Date("2026-11-27T10:00:00Z");
  const step = "w0/verify/orders";

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    app = await buildApp({ store, now: () => now });
    operator = (await store.tokens.create("olga", "operator", now)).token;
    viewer = (await store.tokens.create("vic", "viewer", now)).token;
    const run = await store.runs.createRun(
      {
        release: "r",
        environment: "prod",
        steps: [
          {
            key: step,
            kind: "verify",
            service: "orders",
            wave: 0,
            dependsOn: [],
            input: {
              verification: {
                checks: [
                  {
                    name: "smoke",
                    check: { kind: "manual-checklist", name: "smoke", items: ["log in", "pay"] },
                  },
                ],
                triggers: [],
              },
            },
          },
        ],
      },
      { startedBy: "olga", now: now.getTime() },
    );
    runId = run.id;
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
  const tick = (token: string, body: Record<string, unknown>) =>
    app.inject({
      method: "POST",
      url: `/v1/runs/${runId}/checklist`,
      headers: auth(token),
      payload: JSON.stringify(body),
    });

  it("shows the items, records an operator's ticks with who, and audits them", async () => {
    const shown = await app.inject({
      url: `/v1/runs/${runId}/checklist?step=${encodeURIComponent(step)}`,
      headers: auth(viewer),
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      items: ["log in", "pay"],
      status: { kind: "waiting", pending: ["log in", "pay"] },
    });
    const ticked = await tick(operator, { step, item: "2", result: "fail", note: "card declined" });
    expect(ticked.statusCode, ticked.body).toBe(200);
    expect(ticked.json()).toMatchObject({
      status: { kind: "failed", failed: [{ item: "pay", by: "olga", note: "card declined" }] },
    });
    const actions: string[] = [];
    await store.audit.scan((batch) => actions.push(...batch.map((r) => `${r.actor}:${r.action}`)));
    expect(actions).toContain("olga:run.checklist-tick");
  });

  it("refuses a viewer's tick, an unknown item, a bad result and a fail without a note, saying what is valid", async () => {
    expect((await tick(viewer, { step, item: "1", result: "pass" })).statusCode).toBe(403);
    const unknown = await tick(operator, { step, item: "9", result: "pass" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toMatch(/no checklist item "9"; its items: 1\. log in; 2\. pay/);
    const bad = await tick(operator, { step, item: "1", result: "maybe" });
    expect(bad.json().detail).toMatch(/result must be "pass" or "fail"; got "maybe"/);
    expect((await tick(operator, { step, item: "1", result: "fail" })).json().code).toBe(
      "checklist.note-required",
    );
    const noStep = await app.inject({ url: `/v1/runs/${runId}/checklist?step=w9/x`, headers: auth(viewer) });
    expect(noStep.statusCode).toBe(404);
    expect(noStep.json().detail).toContain(`its steps: ${step}`);
  });
});
