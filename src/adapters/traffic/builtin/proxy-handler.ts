import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
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

const NONE: readonly string[] = [];

function forwardHeaders(
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  const listed =
    headers.connection === undefined
      ? NONE
      : headers.connection
          .toLowerCase()
          .split(",")
          .map((h) => h.trim());
  // Expect is answered by node:http itself (100 Continue) before the handler runs.
  for (const name in headers)
    if (!HOP_BY_HOP.has(name) && name !== "expect" && !listed.includes(name)) out[name] = headers[name];
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

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * One proxied request, as an undici dispatch handler: undici calls it back with the upstream's
 * response, which it streams to the client with backpressure. On a failure before the response
 * started, it tries the next upstream when the request can be replayed, else answers 502 or 504.
 */
class ProxiedRequest implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private attempt = 0;
  private started = false;
  private clientGone = false;

  constructor(
    private readonly state: ProxyState,
    private readonly res: ServerResponse,
    private readonly version: string,
    private readonly order: readonly Upstream[],
    private readonly options: Dispatcher.DispatchOptions,
    private readonly attempts: number,
    private readonly setCookie: string | null,
  ) {}

  send(): void {
    const upstream = this.order[this.attempt % this.order.length] as Upstream;
    this.controller = null;
    try {
      upstream.pool.dispatch(this.options, this);
    } catch (error) {
      this.onResponseError(null, error as Error);
    }
  }

  /** The client went away: stop the upstream work. */
  abandon(): void {
    this.clientGone = true;
    this.controller?.abort(new Error("client closed the connection"));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new Error("client closed the connection"));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (statusCode < 200) return; // 1xx: node:http answered the client's Expect itself
    this.started = true;
    const out: Record<string, string | string[]> = {};
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    if (this.setCookie !== null) {
      const existing = out["set-cookie"];
      out["set-cookie"] = existing === undefined ? [this.setCookie] : [...[existing].flat(), this.setCookie];
    }
    this.res.writeHead(statusCode, out);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once("drain", () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    const { res, state, version } = this;
    if (this.clientGone) return;
    state.metrics.upstreamFailed(version);
    if (this.started || res.headersSent) {
      res.destroy();
      return;
    }
    if (this.attempt + 1 < this.attempts && !res.destroyed) {
      state.metrics.retried(version);
      this.attempt++;
      this.send();
      return;
    }
    const upstream = this.order[this.attempt % this.order.length] as Upstream;
    const code = (error as { code?: string }).code ?? "";
    const timedOut = TIMEOUT_CODES.has(code);
    res
      .writeHead(timedOut ? 504 : 502, { "content-type": "text/plain" })
      .end(
        `${state.config.service} ${version}: upstream ${upstream.address} failed: ${timedOut ? "upstream timed out" : error.message}\n`,
      );
  }
}

/** The data plane: route each request to a version, proxy it over a pooled connection, count it. */
export function createProxyHandler(state: ProxyState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
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
    const setCookie =
      config.sticky !== null && decision.kind === "weighted"
        ? `${config.sticky.cookie}=${version}; Path=/; HttpOnly; SameSite=Lax`
        : null;
    const canReplay = replayable(req);
    const order = state.pool.attemptOrder(version);
    // A single upstream is tried twice: a pooled keep-alive socket that the upstream just closed
    // fails at once, and a fresh connection usually works.
    const attempts = canReplay ? Math.min(3, Math.max(2, order.length)) : 1;
    const proxied = new ProxiedRequest(
      state,
      res,
      version,
      order,
      {
        path: req.url ?? "/",
        method: req.method ?? "GET",
        headers: forwardHeaders(req.headers, req.socket.remoteAddress),
        body: canReplay ? null : req,
      },
      attempts,
      setCookie,
    );
    // One listener: "close" follows "finish" too, so both outcomes are counted here, exactly once.
    res.on("close", () => {
      if (res.writableFinished) {
        state.metrics.answered(version, statusClassOf(res.statusCode), (performance.now() - started) / 1e3);
        return;
      }
      // The client went away: stop the upstream work, and count it as nginx does (499, a 4xx).
      proxied.abandon();
      state.metrics.answered(
        version,
        statusClassOf(res.headersSent ? res.statusCode : 499),
        (performance.now() - started) / 1e3,
      );
    });
    proxied.send();
  };
}
