/**
 * Helpers for the analysis system tests: a free loopback port, a small HTTP server, and the
 * connection URLs of the services running on this machine and in CI.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const SERVICES = {
  postgres: process.env.UPSHIFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  mariadb: process.env.UPSHIFT_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306/test",
  rabbitmq: process.env.UPSHIFT_TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
  nats: process.env.UPSHIFT_TEST_NATS_URL ?? "nats://127.0.0.1:4222",
  redis: process.env.UPSHIFT_TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
} as const;

/** A name no other test run uses, for queues, streams, keys and tables. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export interface LocalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `handler` on a free loopback port. */
export async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<LocalServer> {
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port free at the time of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `probe` until it returns a value, or throws after `timeoutMs` with the last error. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready within ${timeoutMs} ms${last ? ` (${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}
