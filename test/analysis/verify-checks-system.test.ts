/**
 * Release checks in verify steps against the real servers of this machine: a RabbitMQ queue that
 * grows past its bound fails its check and fires the backlog trigger (the run rolls back), and a
 * KPI measured by SQL on PostgreSQL passes while orders succeed and fails once they drop.
 */
import amqp from "amqplib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerificationSettings } from "../../src/core/analysis/verification-settings.js";
import { STORE_TARGETS } from "../support/store-targets.js";
import { SERVICES, uniqueName } from "./local-services.js";
import { deployThenVerify, VerifyEngine } from "./verify-step-harness.js";

/** shop 1.9.0 to 2.0.0 in prod, then its verify step. */
const plan = (release: string, verification: VerificationSettings) =>
  deployThenVerify({
    release,
    environment: "prod",
    service: "shop",
    from: "1.9.0",
    to: "2.0.0",
    verification,
  });

const target = STORE_TARGETS[0]!;

describe("verify checks against real RabbitMQ and PostgreSQL", () => {
  let engine: VerifyEngine;
  const queue = uniqueName("upshift_shop_orders");
  const table = uniqueName("upshift_orders");
  let amqpConnection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  let db: pg.Client;

  beforeAll(async () => {
    engine = await VerifyEngine.start(target, { workerId: "w", waitMs: 20_000 });
    amqpConnection = await amqp.connect(SERVICES.rabbitmq);
    channel = await amqpConnection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: false });
    db = new pg.Client({ connectionString: SERVICES.postgres });
    await db.connect();
    await db.query(`create table ${table} (id serial primary key, ok boolean not null)`);
    await db.query(`insert into ${table} (ok) select g % 100 <> 0 from generate_series(1, 200) g`);
  });

  afterAll(async () => {
    await engine?.close();
    await channel?.deleteQueue(queue).catch(() => {});
    await amqpConnection?.close();
    await db?.query(`drop table if exists ${table}`);
    await db?.end();
  });

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
    const run = await engine.startRun(plan("q", settings));
    await engine.untilVerifyStep(run.id, "first queue reading passed", (s) =>
      /messages 0 within bounds/.test(s.message ?? ""),
    );
    // Consumers of the new version stopped: orders pile up.
    for (let i = 0; i < 120; i++) channel.sendToQueue(queue, Buffer.from(`order ${i}`));
    await channel.waitForConfirms();
    await engine.untilPhase(run.id, "RolledBack");
    const fired = (await engine.store.runs.events(run.id)).find((e) => e.type === "trigger.rollback");
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
    const run = await engine.startRun(plan("k", settings));
    await engine.untilVerifyStep(run.id, "KPI passed once", (s) =>
      /is true \(run [12]\/30/.test(s.message ?? ""),
    );
    // The new version breaks checkout: 60 of the next 100 orders fail (KPI 0.99 -> ~0.79).
    await db.query(`insert into ${table} (ok) select g % 5 < 2 from generate_series(1, 100) g`);
    await engine.untilVerifyStep(run.id, "verify failed", (s) => s.state === "failed");
    const message = (await engine.verifyStep(run.id))?.message ?? "";
    expect(message).toMatch(/order-success: successCondition "result >= 0.95" is false/);
    expect(await engine.phase(run.id)).toBe("Failed");
  });
});
