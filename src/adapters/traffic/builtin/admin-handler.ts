import type { IncomingMessage, ServerResponse } from "node:http";
import { renderRouterMetrics } from "../../../core/traffic/render-router-metrics.js";
import type { RouteConfig } from "../../../core/traffic/route-config.js";
import { routeConfigProblems } from "../../../core/traffic/validate-route-config.js";
import { writeJsonAtomically } from "../json-file.js";
import type { ProxyState } from "./proxy-handler.js";

/** The body of `PUT /config`: the whole new configuration and the revision it was computed from. */
export interface ConfigUpdate {
  readonly config: RouteConfig;
  readonly expectedRevision: number;
}

/** Per-version stats as the admin endpoint serves them at `GET /stats`. */
export interface RouterStatsBody {
  readonly service: string;
  readonly revision: number;
  readonly startedAt: string;
  readonly versions: ReturnType<ProxyState["metrics"]["snapshot"]>;
}

const MAX_BODY = 1024 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_BODY) throw new Error("body too large");
  }
  return body;
}

/**
 * The admin endpoint of a router process, on loopback only: read and replace the route (persisted
 * to the route file before it takes effect, so a restarted router comes back with it), health,
 * stats as JSON for analysis, and Prometheus metrics.
 */
export function createAdminHandler(
  state: ProxyState,
  routeFile: string,
  startedAt: string,
): (req: IncomingMessage, res: ServerResponse) => void {
  const stats = (): RouterStatsBody => ({
    service: state.config.service,
    revision: state.config.revision,
    startedAt,
    versions: state.metrics.snapshot(Object.keys(state.config.upstreams)),
  });
  const replace = (update: ConfigUpdate, res: ServerResponse) => {
    const current = state.config;
    if (update.expectedRevision !== current.revision)
      return json(res, 409, {
        error: `revision is ${current.revision}, not ${update.expectedRevision}`,
        config: current,
      });
    const next = update.config;
    const problems = routeConfigProblems(next);
    if (next.service !== current.service || next.listen !== current.listen)
      return json(res, 400, {
        problems: [{ path: "listen", message: "service and listen address cannot change" }],
      });
    if (problems.length > 0) return json(res, 400, { problems });
    writeJsonAtomically(routeFile, next);
    state.pool.configure(next);
    state.config = next;
    json(res, 200, next);
  };
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const route = `${req.method} ${path}`;
    if (route === "GET /health")
      return json(res, 200, {
        service: state.config.service,
        pid: process.pid,
        revision: state.config.revision,
      });
    if (route === "GET /config") return json(res, 200, state.config);
    if (route === "GET /stats") return json(res, 200, stats());
    if (route === "GET /metrics") {
      const s = stats();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(renderRouterMetrics([{ service: s.service, revision: s.revision, versions: s.versions }]));
      return;
    }
    if (route === "PUT /config") {
      readBody(req)
        .then((body) => replace(JSON.parse(body) as ConfigUpdate, res))
        .catch((error: Error) => json(res, 400, { problems: [{ path: "", message: error.message }] }));
      return;
    }
    json(res, 404, { error: `no ${route} here` });
  };
}
