// What the builtin router's data plane forwards, checked in-process against a real upstream HTTP
// server on loopback: the headers each way (hop-by-hop dropped, X-Forwarded-For extended, repeated
// headers kept), request bodies, and a large streamed response body.
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxyHandler, type ProxyState } from "../../src/adapters/traffic/builtin/proxy-handler.js";
import { UpstreamPool } from "../../src/adapters/traffic/builtin/upstream-pool.js";
import { VersionMetrics } from "../../src/adapters/traffic/builtin/version-metrics.js";
import type { RouteConfig } from "../../src/core/traffic/route-config.js";

const BIG = 5_000_000;
let upstream: Server;
let proxy: Server;
let proxyPort: number;
let state: ProxyState;
const silentClosed: number[] = [];
const UPSTREAM_TIMEOUT_MS = 400;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  upstream = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    if (req.url === "/silent") {
      // Never answers; records when the proxy gives up on it.
      req.socket.once("close", () => silentClosed.push(Date.now()));
      return;
    }
    if (req.url === "/big") {
      // Chunked, in many writes: the proxy must stream it all, with backpressure.
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const piece = Buffer.alloc(64 * 1024, 120);
      for (let sent = 0; sent < BIG; sent += piece.length) {
        if (!res.write(piece.subarray(0, Math.min(piece.length, BIG - sent))))
          await new Promise((resolve) => res.once("drain", resolve));
      }
      res.end();
      return;
    }
    res.writeHead(201, [
      "Content-Type",
      "application/json",
      "Set-Cookie",
      "a=1",
      "Set-Cookie",
      "b=2",
      "Keep-Alive",
      "timeout=7, max=99",
      "X-Upstream",
      "yes",
    ]);
    res.end(
      JSON.stringify({ method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders, body }),
    );
  });
  const upstreamPort = await listen(upstream);
  const config: RouteConfig = {
    service: "web",
    listen: "127.0.0.1:0",
    upstreams: { v1: [`127.0.0.1:${upstreamPort}`] },
    weights: { v1: 100 },
    headerRoute: null,
    sticky: { cookie: "upshift-web" },
    revision: 1,
  };
  state = { config, pool: new UpstreamPool(config, UPSTREAM_TIMEOUT_MS), metrics: new VersionMetrics() };
  proxy = createServer(createProxyHandler(state));
  proxyPort = await listen(proxy);
});

afterAll(async () => {
  state?.pool.close();
  for (const server of [proxy, upstream]) {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
});

/** One request through the proxy with raw headers, as sent; resolves to status, headers and body. */
function send(
  method: string,
  path: string,
  rawHeaders: string[],
  body?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; raw: string[]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = ["Host", `127.0.0.1:${proxyPort}`, ...rawHeaders];
    const req = request({ host: "127.0.0.1", port: proxyPort, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          raw: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("builtin router data plane: forwarding", () => {
  it("drops hop-by-hop and Connection-listed headers, keeps repeated ones, extends X-Forwarded-For", async () => {
    const answer = await send("GET", "/path?q=1", [
      "Connection",
      "keep-alive, X-Secret-Hop",
      "X-Secret-Hop",
      "drop me",
      "Keep-Alive",
      "timeout=5",
      "TE",
      "trailers",
      "X-Forwarded-For",
      "10.0.0.1",
      "Accept",
      "text/plain",
      "Accept",
      "application/json",
      "X-Custom",
      "kept",
    ]);
    expect(answer.status).toBe(201);
    const seen = JSON.parse(answer.body.toString()) as {
      method: string;
      url: string;
      headers: IncomingHttpHeaders;
    };
    expect(seen.method).toBe("GET");
    expect(seen.headers.host).toBe(`127.0.0.1:${proxyPort}`);
    expect(seen.url).toBe("/path?q=1");
    expect(seen.headers["x-secret-hop"]).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers["keep-alive"]).toBeUndefined();
    expect(seen.headers["x-custom"]).toBe("kept");
    expect(seen.headers.accept).toBe("text/plain, application/json");
    expect(seen.headers["x-forwarded-for"]).toBe("10.0.0.1, 127.0.0.1");
    // Response: both Set-Cookie headers of the upstream and the sticky cookie; Keep-Alive is not forwarded.
    expect(answer.headers["set-cookie"]).toEqual([
      "a=1",
      "b=2",
      "upshift-web=v1; Path=/; HttpOnly; SameSite=Lax",
    ]);
    expect(answer.headers["x-upstream"]).toBe("yes");
    // (The proxy's own server sends Keep-Alive for its connection, never the upstream's value.)
    const keepAlive = answer.raw.flatMap((h, i) =>
      i % 2 === 0 && h.toLowerCase() === "keep-alive" ? [answer.raw[i + 1]] : [],
    );
    expect(keepAlive).not.toContain("timeout=7, max=99");
  });

  it("sets X-Forwarded-For when the client sent none, and forwards a POST body", async () => {
    const answer = await send(
      "POST",
      "/orders",
      ["Content-Type", "text/plain", "Content-Length", "5"],
      "hello",
    );
    const seen = JSON.parse(answer.body.toString()) as { headers: IncomingHttpHeaders; body: string };
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.body).toBe("hello");
    expect(seen.headers["content-length"]).toBe("5");
  });

  it("forwards a chunked request body", async () => {
    const answer = await send("PUT", "/chunked", ["Transfer-Encoding", "chunked"], "x".repeat(100_000));
    const seen = JSON.parse(answer.body.toString()) as { headers: IncomingHttpHeaders; body: string };
    expect(seen.headers["transfer-encoding"]).toBe("chunked");
    expect(seen.body.length).toBe(100_000);
  });

  it("streams a large response body whole, and counts it once", async () => {
    const before = state.metrics.snapshot(["v1"]).v1?.requests ?? 0;
    const answer = await send("GET", "/big", []);
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBe(BIG);
    expect(answer.body.every((b) => b === 120)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.metrics.snapshot(["v1"]).v1?.requests).toBe(before + 1);
  });

  it("answers a client's Expect: 100-continue itself and forwards the body without the Expect", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port: proxyPort,
        method: "POST",
        path: "/expect",
        headers: { Expect: "100-continue", "Content-Length": "4" },
      });
      req.on("continue", () => req.end("ping"));
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
    });
    expect(answer.status).toBe(201);
    const seen = JSON.parse(answer.body) as { headers: IncomingHttpHeaders; body: string };
    expect(seen.body).toBe("ping");
    expect(seen.headers.expect).toBeUndefined();
  });

  it("answers 504 when the upstream stays silent past its timeout", async () => {
    const before = state.metrics.snapshot(["v1"]).v1?.upstreamFailures ?? 0;
    const startedAt = Date.now();
    // POST: not replayable, so one attempt and then the answer.
    const answer = await send("POST", "/silent", ["Content-Length", "0"]);
    expect(answer.status).toBe(504);
    expect(answer.body.toString()).toContain("upstream timed out");
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS - 50);
    expect(state.metrics.snapshot(["v1"]).v1?.upstreamFailures).toBe(before + 1);
  });

  it("stops the upstream request when the client goes away, and counts it as 499 (a 4xx)", async () => {
    const before = state.metrics.snapshot(["v1"]).v1?.responses["4xx"] ?? 0;
    const closedBefore = silentClosed.length;
    const req = request({ host: "127.0.0.1", port: proxyPort, method: "POST", path: "/silent" });
    req.on("error", () => {});
    req.end("x");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const abandonedAt = Date.now();
    req.destroy();
    for (let i = 0; i < 50 && silentClosed.length === closedBefore; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // The proxy closed its upstream connection at once, long before the upstream timeout.
    expect(silentClosed.length).toBe(closedBefore + 1);
    expect((silentClosed.at(-1) as number) - abandonedAt).toBeLessThan(UPSTREAM_TIMEOUT_MS / 2);
    expect(state.metrics.snapshot(["v1"]).v1?.responses["4xx"]).toBe(before + 1);
  });
});
