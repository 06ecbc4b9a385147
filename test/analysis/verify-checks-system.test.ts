/**
 * Release checks in verify steps against the real servers of this machine: a RabbitMQ queue that
 * grows past its bound fails its check and fires the backlog trigger (the run rolls back), and a
 * KPI measured by SQL on PostgreSQL passes while orders succeed and fails once they drop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqp from "amqplib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EffectLog } from "../../src/adapters/drivers/test/effect-log.js";
import { testStepHandler } from "../../src/adapters/drivers/test/test-step-handler.js";
import type { VerificationSettings } from "../../src/core/analysis/verification-settings.js";
import type { RunPlan } from "../../src/core/run/run-plan.js";
import { HandlerRegistry } from "../../src/engine/handler-registry.js";
import { createVerifyHandler } from "../../src/engine/handlers/verify-handler.js";
import { Worker } from "../../src/engine/worker.js";
import { verificationPorts } from "../../src/server/verification-runtime.js";
import type { Store } from "../../src/store/store.js";
import { STORE_TARGETS } from "../support/store-targets.js";
import { SERVICES, uniqueName } from "./local-services.js";

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

function plan(name: string, verification: VerificationSettings): RunPlan {
  return {
    release: name,
    environment: "prod",
    steps: [
      {
        key: "w0/deploy/shop",
        kind: "test",
        service: "shop",
        wave: 0,
        dependsOn: [],
        input: { effects: ["up"] },
      },
      {
        key: "w0/verify/shop",
        kind: "verify",
        service: "shop",
        wave: 0,
        dependsOn: ["w0/deploy/shop"],
        input: { to: "2.0.0", from: "1.9.0", verification },
      },
    ],
  };
}

const target = STORE_TARGETS[0]!;

describe("verify checks against real RabbitMQ and PostgreSQL", () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let dir: string;
  let worker: Worker;
  const queue = uniqueName("upshift_shop_orders");
  const table = uniqueName("upshift_orders");
  let amqpConnection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  let db: pg.Client;

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    dir = mkdtempSync(join(tmpdir(), "upshift-verify-sys-"));
    const handlers = new HandlerRegistry([
      createVerifyHandler(verificationPorts(store)),
      testStepHandler(new EffectLog(join(dir, "effects.log"))),
    ]);
    store.runs.setRevertible((k) => handlers.isRevertible(k));
    worker = new Worker({
      id: "w",
      store: store.runs,
      wakeUps: store.wakeUps,
      handlers,
      leaseMs: 5000,
      pollMs: 200,
    });
    worker.start();
    amqpConnection = await amqp.connect(SERVICES.rabbitmq);
    channel = await amqpConnection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: false });
    db = new pg.Client({ connectionString: SERVICES.postgres });
    await db.connect();
    await db.query(`create table ${table} (id serial primary key, ok boolean not null)`);
    await db.query(`insert into ${table} (ok) select g % 100 <> 0 from generate_series(1, 200) g`);
  });

  afterAll(async () => {
    await worker?.halt();
    await channel?.deleteQueue(queue).catch(() => {});
    await amqpConnection?.close();
    await db?.query(`drop table if exists ${table}`);
    await db?.end();
    await cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const step = async (id: string) =>
    (await store.runs.getRun(id))?.steps.find((s) => s.key === "w0/verify/shop" && s.direction === "forward");
  const phase = async (id: string) => (await store.runs.getRun(id))?.run.phase;

  it("fails the queue check once the queue grows past its bound, and the backlog trigger rolls back", async () => {
    const settings: VerificationSettings = {
      checks: [
        {
          name: "order-backlog",
          interval: "300ms",
          count: 20,
          check: { kind: "rabbitmq-queue", url: SERVICES.rabbitmq, queue, messages: { max: 50 } },
        },
      ],
      triggers: [{ name: "queue-backlog", check: "order-backlog" }],
    };
    const run = await store.runs.createRun(plan("q", settings), { startedBy: "ana", now: Date.now() });
    await until("first queue reading passed", async () =>
      /messages 0 within bounds/.test((await step(run.id))?.message ?? ""),
    );
    // Consumers of the new version stopped: orders pile up.
    for (let i = 0; i < 120; i++) channel.sendToQueue(queue, Buffer.from(`order ${i}`));
    await channel.waitForConfirms();
    await until("rolled back", async () => (await phase(run.id)) === "RolledBack");
    const fired = (await store.runs.events(run.id)).find((e) => e.type === "trigger.rollback");
    expect(fired?.data.trigger).toBe("queue-backlog");
    expect(String(fired?.data.reason)).toMatch(/messages 120 > max 50/);
  });

  it("passes the KPI while orders succeed, then fails it when the success ratio drops", async () => {
    const kpi = `select avg(case when ok then 1.0 else 0.0 end) from ${table}`;
    const settings: VerificationSettings = {
      checks: [
        {
          name: "order-success",
          interval: "300ms",
          count: 30,
          check: {
            kind: "metric",
            name: "order-success",
            provider: { kind: "sql", url: SERVICES.postgres, query: kpi },
            successCondition: "result >= 0.95",
          },
        },
      ],
      triggers: [],
    };
    const run = await store.runs.createRun(plan("k", settings), { startedBy: "ana", now: Date.now() });
    await until("KPI passed once", async () =>
      /is true \(run [12]\/30/.test((await step(run.id))?.message ?? ""),
    );
    // The new version breaks checkout: 60 of the next 100 orders fail (KPI 0.99 -> ~0.79).
    await db.query(`insert into ${table} (ok) select g % 5 < 2 from generate_series(1, 100) g`);
    await until("verify failed", async () => (await step(run.id))?.state === "failed");
    const message = (await step(run.id))?.message ?? "";
    expect(message).toMatch(/order-success: successCondition "result >= 0.95" is false/);
    expect(await phase(run.id)).toBe("Failed");
  });
});
