// The runtime every demo fleet service shares (copied into each artifact, so an artifact is one
// self-contained directory): an HTTP server on $PORT with /healthz, calls to dependencies through
// their routers, and faults injected into one version by parameters:
//   FAULT_VERSION      the version that misbehaves (e.g. 2.0.0); other versions are healthy
//   FAULT_ERROR_RATE   share of its requests answered 500 (0-1)
//   FAULT_LATENCY_MS   delay added to each of its answers
// Health probes are never affected: a faulty version starts and passes its probe, as a real bad
// release does, so only the analysis of its traffic can catch it.
import http from "node:http";

const service = process.env.UPSHIFT_SERVICE ?? "service";
const version = process.env.UPSHIFT_VERSION ?? "0.0.0";
const faulty = process.env.FAULT_VERSION !== undefined && process.env.FAULT_VERSION === version;
const errorRate = faulty ? Number(process.env.FAULT_ERROR_RATE ?? 0) : 0;
const latencyMs = faulty ? Number(process.env.FAULT_LATENCY_MS ?? 0) : 0;

/** An answer: status and JSON body. Failures name where they happened, so a client can attribute them. */
export class Failure extends Error {
  constructor(status, body) {
    super(body.error);
    this.status = status;
    this.body = body;
  }
}

/**
 * Calls a dependency through its router, whose base URL is the parameter `<DEPENDENCY>_URL`; a
 * non-2xx answer becomes a Failure that keeps naming the service and version that failed first.
 */
export async function call(dependency, path, body) {
  const urlVariable = `${dependency.toUpperCase()}_URL`;
  const base = process.env[urlVariable];
  if (!base) throw new Failure(500, { error: `${urlVariable} is not set`, failedAt: { service, version } });
  let res;
  try {
    res = await fetch(`${base}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
    });
  } catch (error) {
    throw new Failure(502, { error: `${base}${path}: ${error.message}`, failedAt: { service, version } });
  }
  const answer = await res.json().catch(() => ({}));
  if (!res.ok)
    throw new Failure(502, {
      error: `${path} answered ${res.status}`,
      failedAt: answer.failedAt ?? { service: dependency, version: "none (its router answered)" },
    });
  return answer;
}

function readBody(req) {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        resolve({});
      }
    });
  });
}

/**
 * Serves `routes` ("METHOD /path" → async (body, url) → JSON answer). Every answer carries the
 * service and version that produced it.
 */
export function serve(routes) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/healthz") {
      res.end("ok");
      return;
    }
    const handler = routes[`${req.method} ${url.pathname}`];
    const body = await readBody(req);
    let status = 200;
    let answer;
    try {
      if (handler === undefined) throw new Failure(404, { error: `no route ${req.method} ${url.pathname}` });
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (errorRate > 0 && Math.random() < errorRate)
        throw new Failure(500, { error: "injected fault", failedAt: { service, version } });
      answer = { service, version, ...(await handler(body, url)) };
    } catch (error) {
      status = error instanceof Failure ? error.status : 500;
      answer =
        error instanceof Failure ? error.body : { error: String(error), failedAt: { service, version } };
    }
    res.statusCode = status;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(answer));
  });
  server.keepAliveTimeout = 30_000;
  server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
  console.log(
    `${service} ${version} on port ${process.env.PORT}${faulty ? ` (faulty: ${errorRate} errors, +${latencyMs} ms)` : ""}`,
  );
  process.on("SIGTERM", () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
  return server;
}
