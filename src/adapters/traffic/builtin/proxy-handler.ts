import {
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
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

function forwardHeaders(
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  const listed = (headers.connection ?? "")
    .toLowerCase()
    .split(",")
    .map((h) => h.trim());
  for (const [name, value] of Object.entries(headers))
    if (!HOP_BY_HOP.has(name) && !listed.includes(name)) out[name] = value;
  if (headers["transfer-encoding"] !== undefined) out["transfer-encoding"] = headers["transfer-encoding"];
  const forwarded = headers["x-forwarded-for"];
  out["x-forwarded-for"] =
    forwarded === undefined ? (remoteAddress ?? "") : `${forwarded}, ${remoteAddress ?? ""}`;
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
    const started = process.hrtime.bigint();
    const config = state.config;
    const decision = chooseVersion(
      config,
      {
        header: (name) => req.headers[name] as string | undefined,
        cookies: parseCookieHeader(req.headers.cookie),
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
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let counted = false;
    const count = (status: number) => {
      if (counted) return;
      counted = true;
      state.metrics.answered(version, statusClassOf(status), seconds());
    };
    let current: ClientRequest | null = null;
    res.on("finish", () => count(res.statusCode));
    res.on("close", () => {
      if (res.writableFinished) return;
      // The client went away: stop the upstream work, and count it as nginx does (499, a 4xx).
      current?.destroy();
      count(res.headersSent ? res.statusCode : 499);
    });

    const setCookie =
      config.sticky !== null && decision.kind === "weighted"
        ? `${config.sticky.cookie}=${version}; Path=/; HttpOnly; SameSite=Lax`
        : null;
    const headers = forwardHeaders(req.headers, req.socket.remoteAddress);
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
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstreamRes.headers))
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        if (setCookie !== null) {
          const existing = out["set-cookie"];
          out["set-cookie"] = existing === undefined ? [setCookie] : [...[existing].flat(), setCookie];
        }
        res.writeHead(upstreamRes.statusCode ?? 502, out);
        upstreamRes.pipe(res);
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
