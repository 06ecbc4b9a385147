import { type ClientRequest, type IncomingMessage, request, type ServerResponse } from "node:http";
import { chooseVersion } from "../../../core/traffic/choose-version.js";
import { parseCookieHeader } from "../../../core/traffic/parse-cookie-header.js";
import type { RouteConfig } from "../../../core/traffic/route-config.js";
import { statusClassOf } from "../../../core/traffic/version-stats.js";
import type { Upstream, UpstreamPool } from "./upstream-pool.js";
import type { VersionMetrics } from "./version-metrics.js";

/** What the data plane reads on every request; the admin endpoint swaps `config` and reconfigures `pool`. */
export interface ProxyState {
  config: RouteConfig;
  readonly pool: UpstreamPool;
  readonly metrics: VersionMetrics;
}

// Hop-by-hop headers belong to one connection and are never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

// Idempotent methods may be sent again after a connection failure (RFC 9110 §9.2.2).
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/**
 * The request's headers for the upstream, as a flat [name, value, ...] list built from the raw
 * headers (no object per request, names as the client sent them): hop-by-hop headers and those the
 * Connection header lists are dropped, Transfer-Encoding is kept, X-Forwarded-For is extended.
 */
function forwardHeaders(req: IncomingMessage): string[] {
  const raw = req.rawHeaders;
  const connection = req.headers.connection;
  const listed =
    connection === undefined
      ? null
      : connection
          .toLowerCase()
          .split(",")
          .map((h) => h.trim());
  const out: string[] = [];
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (lower === "x-forwarded-for") {
      forwardedFor = forwardedFor === undefined ? raw[i + 1]! : `${forwardedFor}, ${raw[i + 1]!}`;
      continue;
    }
    if (lower !== "transfer-encoding" && (HOP_BY_HOP.has(lower) || listed?.includes(lower))) continue;
    out.push(name, raw[i + 1]!);
  }
  const remote = req.socket.remoteAddress ?? "";
  out.push("x-forwarded-for", forwardedFor === undefined ? remote : `${forwardedFor}, ${remote}`);
  return out;
}

/** The upstream response's headers for the client, as a flat list without hop-by-hop headers. */
function responseHeaders(upstreamRes: IncomingMessage, setCookie: string | null): string[] {
  const raw = upstreamRes.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, raw[i + 1]!);
  }
  if (setCookie !== null) out.push("set-cookie", setCookie);
  return out;
}

/** A bodiless idempotent request can be replayed on another upstream: nothing of it was consumed. */
function replayable(req: IncomingMessage): boolean {
  if (!IDEMPOTENT.has(req.method ?? "")) return false;
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] === undefined && (length === undefined || length === "0");
}

/** The data plane: route each request to a version, proxy it over a pooled connection, count it. */
export function createProxyHandler(state: ProxyState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const config = state.config;
    // Cookies are parsed only if a header route or stickiness asks for them.
    let cookies: ReadonlyMap<string, string> | undefined;
    const decision = chooseVersion(
      config,
      {
        header: (name) => req.headers[name] as string | undefined,
        get cookies() {
          cookies ??= parseCookieHeader(req.headers.cookie);
          return cookies;
        },
      },
      Math.random(),
    );
    if (decision.kind === "no-version") {
      res
        .writeHead(503, { "content-type": "text/plain" })
        .end(`no version of ${config.service} takes traffic\n`);
      return;
    }
    const version = decision.version;
    let counted = false;
    const count = (status: number) => {
      if (counted) return;
      counted = true;
      state.metrics.answered(version, statusClassOf(status), (performance.now() - started) / 1000);
    };
    let current: ClientRequest | null = null;
    // 'close' follows 'finish' on a ServerResponse, so one listener sees both endings.
    res.on("close", () => {
      if (res.writableFinished) {
        count(res.statusCode);
        return;
      }
      // The client went away: stop the upstream work, and count it as nginx does (499, a 4xx).
      current?.destroy();
      count(res.headersSent ? res.statusCode : 499);
    });

    const setCookie =
      config.sticky !== null && decision.kind === "weighted"
        ? `${config.sticky.cookie}=${version}; Path=/; HttpOnly; SameSite=Lax`
        : null;
    const headers = forwardHeaders(req);
    const canReplay = replayable(req);
    const order = state.pool.attemptOrder(version);
    // A single upstream is tried twice: a pooled keep-alive socket that the upstream just closed
    // fails at once, and a fresh connection usually works.
    const attempts = canReplay ? Math.min(3, Math.max(2, order.length)) : 1;

    const attempt = (n: number) => {
      const upstream = order[n % order.length] as Upstream;
      const upstreamReq = request({
        host: upstream.target.host,
        port: upstream.target.port,
        method: req.method,
        path: req.url,
        headers,
        agent: upstream.agent,
      });
      current = upstreamReq;
      let answered = false;
      upstreamReq.on("response", (upstreamRes) => {
        answered = true;
        res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders(upstreamRes, setCookie));
        // Forwarded by hand rather than with pipe(), which sets up a handful of listeners per
        // request; backpressure is kept: a full client socket pauses the upstream response.
        upstreamRes.on("data", (chunk: Buffer) => {
          if (!res.write(chunk)) {
            upstreamRes.pause();
            res.once("drain", () => upstreamRes.resume());
          }
        });
        upstreamRes.on("end", () => res.end());
        upstreamRes.on("error", () => res.destroy());
      });
      upstreamReq.on("timeout", () => upstreamReq.destroy(new Error("upstream timed out")));
      upstreamReq.on("error", (error) => {
        if (answered) {
          state.metrics.upstreamFailed(version);
          res.destroy();
          return;
        }
        state.metrics.upstreamFailed(version);
        if (n + 1 < attempts && !res.destroyed) {
          state.metrics.retried(version);
          attempt(n + 1);
          return;
        }
        if (res.headersSent) res.destroy();
        else
          res
            .writeHead(error.message === "upstream timed out" ? 504 : 502, { "content-type": "text/plain" })
            .end(`${config.service} ${version}: upstream ${upstream.address} failed: ${error.message}\n`);
      });
      if (canReplay) upstreamReq.end();
      else req.pipe(upstreamReq);
    };
    attempt(0);
  };
}
