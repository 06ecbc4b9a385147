import { InputError } from "../../../core/errors/domain-error.js";
import type { RouteConfig } from "../../../core/traffic/route-config.js";
import type { RouteProblem } from "../../../core/traffic/validate-route-config.js";
import type { ConfigUpdate, RouterStatsBody } from "./admin-handler.js";

const TIMEOUT_MS = 5_000;

/** The outcome of a configuration write: applied, or someone changed the route in between. */
export type ConfigWriteResult =
  | { readonly kind: "applied"; readonly config: RouteConfig }
  | { readonly kind: "conflict"; readonly current: RouteConfig };

/** Talks to one router process's admin endpoint on loopback. */
export class RouterAdminClient {
  constructor(private readonly baseUrl: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
  }

  private async read<T>(path: string): Promise<T> {
    const res = await this.call("GET", path);
    if (!res.ok) throw new Error(`router admin ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  health(): Promise<{ service: string; pid: number; revision: number }> {
    return this.read("/health");
  }

  config(): Promise<RouteConfig> {
    return this.read("/config");
  }

  stats(): Promise<RouterStatsBody> {
    return this.read("/stats");
  }

  async metricsText(): Promise<string> {
    const res = await this.call("GET", "/metrics");
    if (!res.ok) throw new Error(`router admin /metrics answered ${res.status}`);
    return res.text();
  }

  /** Replaces the route if it is still at `expectedRevision`. */
  async replace(update: ConfigUpdate): Promise<ConfigWriteResult> {
    const res = await this.call("PUT", "/config", update);
    if (res.status === 200) return { kind: "applied", config: (await res.json()) as RouteConfig };
    if (res.status === 409)
      return { kind: "conflict", current: ((await res.json()) as { config: RouteConfig }).config };
    const text = await res.text();
    if (res.status === 400) {
      const problems = (JSON.parse(text) as { problems: RouteProblem[] }).problems;
      throw new InputError(
        "route-config-refused",
        `the router refused the route: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
        {
          details: problems,
        },
      );
    }
    throw new Error(`router admin PUT /config answered ${res.status}: ${text}`);
  }
}
