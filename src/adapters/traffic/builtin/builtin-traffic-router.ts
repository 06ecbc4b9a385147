import { existsSync, mkdirSync } from "node:fs";
import { ConflictError, NotFoundError } from "../../../core/errors/domain-error.js";
import {
  emptyRouteConfig,
  type HeaderRoute,
  type RouteConfig,
  type VersionUpstreams,
  type VersionWeights,
} from "../../../core/traffic/route-config.js";
import { withHeaderRoute, withUpstreams, withWeights } from "../../../core/traffic/route-config-change.js";
import type { RouterObservation, TrafficRouter } from "../../../core/traffic/traffic-router.js";
import { assertValidRouteConfig, stickyCookieName } from "../../../core/traffic/validate-route-config.js";
import { writeJsonAtomically } from "../json-file.js";
import { routerFiles } from "./router-files.js";
import { findRunningRouter, type RunningRouter, startOrAdoptRouter } from "./router-launcher.js";

/** How a service is exposed by its builtin router. */
export interface BuiltinServiceListener {
  /** `host:port` the service's clients connect to. */
  readonly listen: string;
  /** Keep each client on the version it first got (cookie `upshift_<service>`); off by default. */
  readonly sticky?: boolean;
}

export interface BuiltinRouterOptions {
  /** Holds each service's route file, pid record and log; the routers outlive this object. */
  readonly stateDir: string;
  readonly services: Readonly<Record<string, BuiltinServiceListener>>;
  readonly startTimeoutMs?: number;
}

/**
 * The builtin traffic router: one detached reverse-proxy process per service (router-process.ts),
 * started on first use or adopted when already running, reconfigured through its loopback admin
 * endpoint. The route is computed here, validated, then written with the revision it was computed
 * from, so two writers never silently overwrite each other.
 */
export class BuiltinTrafficRouter implements TrafficRouter {
  readonly kind = "builtin";
  private readonly running = new Map<string, RunningRouter>();

  constructor(private readonly options: BuiltinRouterOptions) {
    mkdirSync(options.stateDir, { recursive: true });
  }

  /** Starts the service's router, or adopts the one already running (never a second copy). */
  async ensureRunning(service: string): Promise<RunningRouter> {
    // Always look again: the process may have been stopped or replaced since the last call.
    const found = await findRunningRouter(this.options.stateDir, service);
    if (found !== null) {
      const known = this.running.get(service);
      if (known?.record.pid === found.record.pid) return known;
      this.running.set(service, found);
      return found;
    }
    const listener = this.options.services[service];
    if (listener === undefined)
      throw new NotFoundError("router-service-unknown", `no router listener for ${service}`);
    const files = routerFiles(this.options.stateDir, service);
    if (!existsSync(files.routeFile)) {
      const sticky = listener.sticky === true ? { cookie: stickyCookieName(service) } : null;
      const initial = emptyRouteConfig(service, listener.listen, sticky);
      assertValidRouteConfig(initial);
      writeJsonAtomically(files.routeFile, initial);
    }
    const router = await startOrAdoptRouter(
      this.options.stateDir,
      service,
      this.options.startTimeoutMs ?? 10_000,
    );
    this.running.set(service, router);
    return router;
  }

  /** Stops the service's router (SIGTERM) and waits until it is gone; its route file stays. */
  async stop(service: string): Promise<void> {
    const router = await findRunningRouter(this.options.stateDir, service);
    this.running.delete(service);
    if (router === null) return;
    process.kill(router.record.pid, "SIGTERM");
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(router.record.pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`router ${router.record.pid} for ${service} did not stop`);
  }

  private async update(service: string, change: (current: RouteConfig) => RouteConfig): Promise<RouteConfig> {
    const router = await this.ensureRunning(service);
    for (let tries = 0; tries < 5; tries++) {
      const current = await router.admin.config();
      const next = change(current);
      if (next === current) return current;
      assertValidRouteConfig(next);
      const result = await router.admin.replace({ config: next, expectedRevision: current.revision });
      if (result.kind === "applied") return result.config;
    }
    throw new ConflictError(
      "route-config-contended",
      `the route of ${service} kept changing under this writer`,
    );
  }

  setUpstreams(service: string, upstreams: VersionUpstreams): Promise<RouteConfig> {
    return this.update(service, (c) => withUpstreams(c, upstreams));
  }

  setWeights(service: string, weights: VersionWeights): Promise<RouteConfig> {
    return this.update(service, (c) => withWeights(c, weights));
  }

  setHeaderRoute(service: string, route: HeaderRoute | null): Promise<RouteConfig> {
    return this.update(service, (c) => withHeaderRoute(c, route));
  }

  async observe(service: string): Promise<RouterObservation> {
    const router = await this.ensureRunning(service);
    const [config, stats] = await Promise.all([router.admin.config(), router.admin.stats()]);
    return {
      service,
      config,
      stats: stats.versions,
      router: {
        kind: "builtin",
        pid: router.record.pid,
        adminUrl: `http://127.0.0.1:${router.record.adminPort}`,
        startedAt: stats.startedAt,
      },
    };
  }

  /** The router's Prometheus metrics text, as served at /metrics on its admin port. */
  async metricsText(service: string): Promise<string> {
    return (await this.ensureRunning(service)).admin.metricsText();
  }
}
