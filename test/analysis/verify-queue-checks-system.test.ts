/**
 * A Release's NATS JetStream and Redis queue checks run by verify steps in the engine, against the
 * real servers of this machine (NATS with JetStream on 4222, Redis on 6379): queues within their
 * bounds let the step pass; a consumer whose backlog or redeliveries grow past their bound, and a
 * Redis list or stream that grows past its length bound, fail the check and the verify step, and
 * the step's message, its failure event and its recorded evidence carry the measured value and
 * the bound.
 */
import { AckPolicy, connect, type JetStreamManager, type NatsConnection } from "nats";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseCheckDocument } from "../../src/core/analysis/verification-schema.js";
import { verificationFor } from "../../src/core/analysis/verification-settings.js";
import { releaseSpec } from "../../src/core/documents/kinds/release.js";
import type { RunPlan } from "../../src/core/run/run-plan.js";
import { STORE_TARGETS } from "../support/store-targets.js";
import { SERVICES, uniqueName } from "./local-services.js";
import { deployThenVerify, VerifyEngine } from "./verify-step-harness.js";

/**
 * The run of a Release of service `name` whose `checks` are `checks`: the Release document is
 * validated as a user's would be, and the verify step carries what the planner gives it
 * (verificationFor). Each test deploys its own service: a failed run keeps its service until it
 * is aborted or rolled back.
 */
function releaseRun(name: string, checks: unknown[]): RunPlan {
  const service = name;
  const spec = releaseSpec.parse({
    environments: ["prod"],
    changes: [{ service, version: "2.0.0" }],
    checks,
  });
  const verification = verificationFor(spec, [], service);
  return deployThenVerify({
    release: name,
    environment: "prod",
    service,
    from: "1.9.0",
    to: "2.0.0",
    verification,
  });
}

const target = STORE_TARGETS[0]!;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const encoder = new TextEncoder();

/** A check of the "billing" consumer of `stream` against `bounds` (pending, redelivered), read every 300 ms. */
const billingCheck = (name: string, stream: string, bounds: Record<string, { max: number }>) => ({
  name,
  interval: "300ms",
  count: 40,
  check: { kind: "nats-consumer", servers: SERVICES.nats, stream, consumer: "billing", ...bounds },
});

/** A check of the length of Redis key `key` against `max`, read every 300 ms. */
const lengthCheck = (name: string, key: string, max: number) => ({
  name,
  interval: "300ms",
  count: 40,
  check: { kind: "redis-length", url: SERVICES.redis, key, length: { max } },
});

describe("NATS JetStream and Redis queue checks in verify steps (real servers)", () => {
  let engine: VerifyEngine;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const redis = createClient({ url: SERVICES.redis });
  const streams: string[] = [];
  const keys: string[] = [];

  beforeAll(async () => {
    engine = await VerifyEngine.start(target, { workerId: "w", waitMs: 20_000 });
    nc = await connect({ servers: SERVICES.nats });
    jsm = await nc.jetstreamManager();
    await redis.connect();
  });

  afterAll(async () => {
    await engine?.close();
    for (const stream of streams) await jsm?.streams.delete(stream).catch(() => {});
    await nc?.close();
    if (keys.length > 0) await redis.del(keys);
    if (redis.isOpen) await redis.close();
  });

  /**
   * A fresh stream with one durable consumer, "billing", that acknowledges explicitly; `billing` is
   * how check messages name that consumer.
   */
  async function natsStream(): Promise<{ stream: string; subject: string; billing: string }> {
    const stream = uniqueName("UPSHIFT_INVOICES");
    const subject = `upshift.invoices.${stream}`;
    streams.push(stream);
    await jsm.streams.add({ name: stream, subjects: [subject] });
    await jsm.consumers.add(stream, {
      durable_name: "billing",
      ack_policy: AckPolicy.Explicit,
      ack_wait: 60_000_000_000,
    });
    return { stream, subject, billing: `NATS consumer "${stream}/billing"` };
  }

  async function publish(subject: string, count: number): Promise<void> {
    const js = nc.jetstream();
    for (let i = 0; i < count; i++) await js.publish(subject, encoder.encode(`invoice ${i}`));
  }

  function redisKey(prefix: string): string {
    const key = uniqueName(prefix);
    keys.push(key);
    return key;
  }

  const verifyStep = (id: string) => engine.verifyStep(id);
  const phase = (id: string) => engine.phase(id);
  /** Waits until the verify step's first reading passed with a message matching `reading`. */
  const firstReading = (id: string, reading: RegExp) =>
    engine.untilVerifyStep(id, "first reading passed", (s) => reading.test(s.message ?? ""));
  const verifyFailed = (id: string) =>
    engine.untilVerifyStep(id, "verify failed", (s) => s.state === "failed");
  /** What the step recorded of one check: its progress, message and evidence (the step's output). */
  const recorded = async (id: string, check: string) => {
    const output = (await verifyStep(id))?.output as
      | { round?: { checks?: Record<string, { message: string; evidence?: Record<string, unknown> }> } }
      | undefined;
    return output?.round?.checks?.[check];
  };
  const failureEvent = async (id: string) =>
    (await engine.store.runs.events(id)).find(
      (e) => e.type === "step.failed" && e.stepKey?.startsWith("w0/verify/"),
    );

  /**
   * The value a failed check measured, read from the step's message; the step's failure event
   * says the same, and the step's recorded evidence holds that value.
   */
  async function violation(
    id: string,
    check: string,
    subject: string,
    quantity: string,
    max: number,
  ): Promise<number> {
    const message = (await verifyStep(id))?.message ?? "";
    const pattern = new RegExp(
      `^1 of 1 check\\(s\\) failed: ${escapeRegExp(subject)}: ${quantity} (\\d+) > max ${max} \\(run \\d+/40, 1 failed\\)$`,
    );
    const measured = Number(pattern.exec(message)?.[1] ?? Number.NaN);
    expect(message).toMatch(pattern);
    expect(String((await failureEvent(id))?.data.message)).toBe(message);
    expect((await recorded(id, check))?.evidence?.[quantity]).toBe(measured);
    return measured;
  }

  it("passes the verify step while the NATS consumer and the Redis list and stream stay within their bounds", async () => {
    const { stream, subject } = await natsStream();
    const list = redisKey("upshift:billing:jobs");
    const events = redisKey("upshift:billing:events");
    await publish(subject, 3);
    await redis.rPush(list, ["job 1", "job 2"]);
    await redis.xAdd(events, "*", { invoice: "1" });
    const checks: ReleaseCheckDocument[] = [
      {
        name: "invoice-backlog",
        interval: "200ms",
        count: 3,
        check: {
          kind: "nats-consumer",
          servers: SERVICES.nats,
          stream,
          consumer: "billing",
          pending: { max: 10 },
          redelivered: { max: 0 },
        },
      },
      {
        name: "job-queue",
        interval: "200ms",
        count: 3,
        check: { kind: "redis-length", url: SERVICES.redis, key: list, length: { max: 10 } },
      },
      {
        name: "event-stream",
        interval: "200ms",
        count: 3,
        check: { kind: "redis-length", url: SERVICES.redis, key: events, length: { max: 10 } },
      },
    ];
    const run = await engine.startRun(releaseRun("queues-ok", checks));
    await engine.untilPhase(run.id, "Succeeded");
    const step = await verifyStep(run.id);
    expect(step?.state).toBe("succeeded");
    expect(step?.message).toMatch(/^3 check\(s\) passed/);
    expect(step?.message).toContain(
      `NATS consumer "${stream}/billing": pending 3, redelivered 0 within bounds (run 3/3, 0 failed)`,
    );
    expect(step?.message).toContain(`Redis key "${list}": length 2 within bounds (run 3/3, 0 failed)`);
    expect(step?.message).toContain(`Redis key "${events}": length 1 within bounds (run 3/3, 0 failed)`);
    expect((await recorded(run.id, "invoice-backlog"))?.evidence).toEqual({
      pending: 3,
      ackPending: 0,
      redelivered: 0,
    });
    expect((await recorded(run.id, "job-queue"))?.evidence).toEqual({ type: "list", length: 2 });
    expect((await recorded(run.id, "event-stream"))?.evidence).toEqual({ type: "stream", length: 1 });
  });

  it("fails the check and the verify step once the NATS consumer's backlog grows past its bound", async () => {
    const { stream, subject, billing } = await natsStream();
    const checks = [billingCheck("invoice-backlog", stream, { pending: { max: 5 } })];
    const run = await engine.startRun(releaseRun("nats-backlog", checks));
    await firstReading(run.id, /pending 0 within bounds \(run 1\/40/);
    // The new billing version stops consuming: invoices pile up. JetStream has no atomic batch, so
    // a reading may land while they are being published: any count past the bound fails.
    await publish(subject, 12);
    await verifyFailed(run.id);
    const pending = await violation(run.id, "invoice-backlog", billing, "pending", 5);
    expect(pending).toBeGreaterThan(5);
    expect(pending).toBeLessThanOrEqual(12);
    expect((await recorded(run.id, "invoice-backlog"))?.evidence).toEqual({
      pending,
      ackPending: 0,
      redelivered: 0,
    });
    expect(await phase(run.id)).toBe("Failed");
  });

  it("fails the verify step once the NATS consumer's redeliveries grow past their bound", async () => {
    const { stream, subject, billing } = await natsStream();
    await publish(subject, 4);
    const checks = [billingCheck("invoice-retries", stream, { redelivered: { max: 1 } })];
    const run = await engine.startRun(releaseRun("nats-retries", checks));
    await firstReading(run.id, /redelivered 0 within bounds \(run 1\/40/);
    // The new version rejects every invoice it is given: each one comes back for another try.
    const consumer = await nc.jetstream().consumers.get(stream, "billing");
    for (let attempt = 0; attempt < 2; attempt++) {
      const batch = await consumer.fetch({ max_messages: 4, expires: 2_000 });
      let taken = 0;
      for await (const message of batch) {
        if (attempt === 0) message.nak();
        if (++taken === 4) break;
      }
    }
    await verifyFailed(run.id);
    const redelivered = await violation(run.id, "invoice-retries", billing, "redelivered", 1);
    expect(redelivered).toBeGreaterThan(1);
    expect(redelivered).toBeLessThanOrEqual(4);
    expect((await recorded(run.id, "invoice-retries"))?.evidence).toMatchObject({ pending: 0, redelivered });
    expect(await phase(run.id)).toBe("Failed");
  });

  it("fails the verify step once a Redis work list grows past its length bound", async () => {
    const list = redisKey("upshift:billing:jobs");
    await redis.rPush(list, ["job 1", "job 2"]);
    const run = await engine.startRun(releaseRun("redis-list", [lengthCheck("job-queue", list, 10)]));
    await firstReading(run.id, /length 2 within bounds \(run 1\/40/);
    await redis.rPush(
      list,
      Array.from({ length: 13 }, (_, i) => `job ${i + 3}`),
    );
    await verifyFailed(run.id);
    // RPUSH of several values is atomic: the only reading past the bound sees all 15.
    expect(await violation(run.id, "job-queue", `Redis key "${list}"`, "length", 10)).toBe(15);
    expect((await recorded(run.id, "job-queue"))?.evidence).toEqual({ type: "list", length: 15 });
    expect(await phase(run.id)).toBe("Failed");
  });

  it("fails the verify step once a Redis stream grows past its length bound", async () => {
    const events = redisKey("upshift:billing:events");
    const run = await engine.startRun(releaseRun("redis-stream", [lengthCheck("event-stream", events, 5)]));
    // The stream does not exist yet: Redis answers length 0, which is within the bound.
    await firstReading(run.id, /length 0 within bounds \(run 1\/40/);
    // Eight entries in one MULTI, so no reading sees a part of them.
    const burst = redis.multi();
    for (let i = 0; i < 8; i++) burst.xAdd(events, "*", { invoice: String(i) });
    await burst.exec();
    await verifyFailed(run.id);
    expect(await violation(run.id, "event-stream", `Redis key "${events}"`, "length", 5)).toBe(8);
    expect((await recorded(run.id, "event-stream"))?.evidence).toEqual({ type: "stream", length: 8 });
    expect(await phase(run.id)).toBe("Failed");
  });
});
