import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import amqp from "amqplib";
import { AckPolicy, connect, type NatsConnection } from "nats";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheck } from "../../src/adapters/checks/create-check.js";
import { natsConsumerCheck } from "../../src/adapters/checks/nats-consumer-check.js";
import { rabbitmqQueueCheck } from "../../src/adapters/checks/rabbitmq-queue-check.js";
import { redisLengthCheck } from "../../src/adapters/checks/redis-length-check.js";
import { SERVICES, uniqueName, waitFor } from "./local-services.js";

describe("RabbitMQ queue depth (real broker)", () => {
  const queue = uniqueName("upshift_orders");
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  beforeAll(async () => {
    connection = await amqp.connect(SERVICES.rabbitmq);
    channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: false });
  });

  afterAll(async () => {
    await channel?.deleteQueue(queue).catch(() => {});
    await connection?.close();
  });

  it("passes within its bound and fails once the queue grows past it", async () => {
    const check = rabbitmqQueueCheck({ url: SERVICES.rabbitmq, queue, messages: { max: 5 } });
    expect(await check.run()).toMatchObject({ kind: "passed", evidence: { messages: 0, consumers: 0 } });
    for (let i = 0; i < 8; i++) channel.sendToQueue(queue, Buffer.from(`order ${i}`));
    await channel.waitForConfirms();
    const outcome = await waitFor("8 messages queued", async () => {
      const o = await check.run();
      return o.evidence.messages === 8 ? o : undefined;
    });
    expect(outcome).toEqual({
      kind: "failed",
      message: `RabbitMQ queue "${queue}": messages 8 > max 5`,
      evidence: { messages: 8, consumers: 0 },
    });
  });

  it("fails when the queue has fewer consumers than required", async () => {
    const check = rabbitmqQueueCheck({ url: SERVICES.rabbitmq, queue, consumers: { min: 1 } });
    expect(await check.run()).toMatchObject({
      kind: "failed",
      message: expect.stringContaining("consumers 0 < min 1"),
    });
  });

  it("is an error, not a pass, when the queue does not exist", async () => {
    const check = rabbitmqQueueCheck({
      url: SERVICES.rabbitmq,
      queue: `${queue}_missing`,
      messages: { max: 5 },
    });
    expect(await check.run()).toMatchObject({ kind: "error", message: expect.stringContaining("404") });
  });
});

describe("NATS JetStream consumer backlog (real server)", () => {
  const stream = uniqueName("UPSHIFT_EVENTS");
  const subject = `upshift.test.${stream}`;
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: SERVICES.nats });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject] });
    await jsm.consumers.add(stream, {
      durable_name: "billing",
      ack_policy: AckPolicy.Explicit,
      ack_wait: 60_000_000_000,
    });
  });

  afterAll(async () => {
    if (nc) {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(stream).catch(() => {});
      await nc.close();
    }
  });

  it("fails when messages pend beyond the bound, and counts unacknowledged deliveries", async () => {
    const check = natsConsumerCheck({
      servers: SERVICES.nats,
      stream,
      consumer: "billing",
      pending: { max: 5 },
    });
    expect(await check.run()).toMatchObject({
      kind: "passed",
      evidence: { pending: 0, ackPending: 0, redelivered: 0 },
    });
    const js = nc.jetstream();
    for (let i = 0; i < 7; i++) await js.publish(subject, new TextEncoder().encode(`event ${i}`));
    expect(await check.run()).toEqual({
      kind: "failed",
      message: `NATS consumer "${stream}/billing": pending 7 > max 5`,
      evidence: { pending: 7, ackPending: 0, redelivered: 0 },
    });
    const consumer = await js.consumers.get(stream, "billing");
    const batch = await consumer.fetch({ max_messages: 3, expires: 2_000 });
    let taken = 0;
    for await (const _ of batch) if (++taken === 3) break;
    const unacked = natsConsumerCheck({
      servers: SERVICES.nats,
      stream,
      consumer: "billing",
      ackPending: { max: 2 },
    });
    expect(await unacked.run()).toMatchObject({ kind: "failed", evidence: { pending: 4, ackPending: 3 } });
  });

  it("is an error when the consumer does not exist", async () => {
    const check = natsConsumerCheck({
      servers: SERVICES.nats,
      stream,
      consumer: "nobody",
      pending: { max: 5 },
    });
    expect(await check.run()).toMatchObject({
      kind: "error",
      message: expect.stringContaining("consumer not found"),
    });
  });
});

describe("Redis list and stream length (real server)", () => {
  const list = uniqueName("upshift:jobs");
  const stream = uniqueName("upshift:events");
  const client = createClient({ url: SERVICES.redis });

  beforeAll(async () => {
    await client.connect();
  });

  afterAll(async () => {
    await client.del([list, stream]);
    await client.close();
  });

  it("fails when a work list grows past its bound", async () => {
    const check = redisLengthCheck({ url: SERVICES.redis, key: list, length: { max: 10 } });
    expect(await check.run()).toMatchObject({ kind: "passed", evidence: { type: "none", length: 0 } });
    await client.rPush(
      list,
      Array.from({ length: 12 }, (_, i) => `job ${i}`),
    );
    expect(await check.run()).toEqual({
      kind: "failed",
      message: `Redis key "${list}": length 12 > max 10`,
      evidence: { type: "list", length: 12 },
    });
  });

  it("bounds a stream's length and a consumer group's pending entries", async () => {
    for (let i = 0; i < 4; i++) await client.xAdd(stream, "*", { n: String(i) });
    await client.xGroupCreate(stream, "mailer", "0");
    await client.xReadGroup("mailer", "worker-1", { key: stream, id: ">" }, { COUNT: 3 });
    const check = redisLengthCheck({
      url: SERVICES.redis,
      key: stream,
      length: { max: 10 },
      group: "mailer",
      pending: { max: 2 },
    });
    expect(await check.run()).toEqual({
      kind: "failed",
      message: `Redis key "${stream}": pending 3 > max 2`,
      evidence: { type: "stream", length: 4, pending: 3 },
    });
  });

  it("is an error when the server cannot be reached", async () => {
    const check = redisLengthCheck({
      url: "redis://127.0.0.1:1",
      key: list,
      length: { max: 1 },
      timeoutMs: 1_000,
    });
    expect((await check.run()).kind).toBe("error");
  });
});

describe("queue checks stop when their step is stopped", () => {
  // A server that accepts connections and never says a word: each client waits for its greeting
  // or its reply until its own 10 s timeout unless the step's abort signal ends the wait.
  let silent: Server;
  let port: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    port = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  // Through createCheck, as the engine makes them: the adapters themselves ignore the signal.
  const checks = () => [
    createCheck({
      kind: "nats-consumer",
      servers: `nats://127.0.0.1:${port}`,
      stream: "s",
      consumer: "c",
      pending: { max: 1 },
    }),
    createCheck({ kind: "redis-length", url: `redis://127.0.0.1:${port}`, key: "k", length: { max: 1 } }),
    createCheck({
      kind: "rabbitmq-queue",
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      queue: "q",
      messages: { max: 1 },
    }),
    createCheck({
      kind: "sql-integrity",
      name: "orphans",
      url: `postgres://postgres@127.0.0.1:${port}/test`,
      query: "select 0",
    }),
  ];

  for (const index of [0, 1, 2, 3]) {
    it(`${["NATS", "Redis", "RabbitMQ", "PostgreSQL"][index]}: an error as soon as the step is aborted, not at the 10 s timeout`, async () => {
      const check = checks()[index] as ReturnType<typeof createCheck>;
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(new Error("run canceled")), 300);
      const outcome = await check.run(controller.signal);
      const elapsed = Date.now() - started;
      expect(outcome).toMatchObject({ kind: "error", message: expect.stringContaining("run canceled") });
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(3_000);
    });
  }

  it("does not start at all when the step is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("run canceled"));
    for (const check of checks())
      expect(await check.run(controller.signal)).toMatchObject({
        kind: "error",
        message: expect.stringContaining("run canceled"),
      });
  });
});
