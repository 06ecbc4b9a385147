import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NotFoundError } from "../../../core/errors/domain-error.js";
import { parseNginxAccessLog } from "../../../core/traffic/nginx-access-log.js";
import {
  nginxErrorLog,
  nginxPidFile,
  renderNginxMainConfig,
} from "../../../core/traffic/render-nginx-main-config.js";
import { renderNginxRoutes } from "../../../core/traffic/render-nginx-routes.js";
import {
  emptyRouteConfig,
  type HeaderRoute,
  type RouteConfig,
  type VersionUpstreams,
  type VersionWeights,
} from "../../../core/traffic/route-config.js";
import { withHeaderRoute, withUpstreams, withWeights } from "../../../core/traffic/route-config-change.js";
import type { RouterObservation, TrafficRouter } from "../../../core/traffic/traffic-router.js";
import { assertValidRouteConfig } from "../../../core/traffic/validate-route-config.js";
import { emptyVersionStats, type VersionStats } from "../../../core/traffic/version-stats.js";
import { readJsonFile, writeJsonAtomically } from "../json-file.js";
import {
  activeDigest,
  errorLogTail,
  type NginxInvocation,
  nginxMasterPid,
  runNginx,
  waitForDigest,
} from "./nginx-control.js";
import { replaceRoutesFile } from "./replace-routes-file.js";

export interface NginxRouterOptions {
  /** Owned by the adapter: the routes file, the routes state, access logs (and an owned nginx's files). */
  readonly directory: string;
  /** `host:port` each service's clients connect to. */
  readonly services: Readonly<Record<string, { readonly listen: string }>>;
  /** Loopback `host:port` where nginx answers the digest of the routes in force. */
  readonly statusListen: string;
  readonly binary?: string;
  /**
   * An existing nginx.conf that includes `routesFile` in its http block, for an nginx run by
   * someone else. Left out, the adapter writes its own nginx.conf in `directory` and runs nginx.
   */
  readonly mainConfig?: string;
  /** `user` of an owned nginx (needed as root: without it workers run as nobody). */
  readonly user?: string | null;
  readonly workerProcesses?: number;
  readonly reloadTimeoutMs?: number;
}

/**
 * The nginx traffic router: renders every service's routes into one file it owns, checks it with
 * `nginx -t`, reloads, and confirms the reload by the digest nginx serves. A refused or failed
 * configuration is rolled back to the previous file, so nginx keeps routing as before.
 */
export class NginxTrafficRouter implements TrafficRouter {
  readonly kind = "nginx";
  readonly routesFile: string;
  private readonly stateFile: string;
  private readonly nginx: NginxInvocation;
  private readonly owned: boolean;
  /** Changes run one at a time: they share one routes file and one nginx. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: NginxRouterOptions) {
    const dir = options.directory;
    mkdirSync(join(dir, "logs"), { recursive: true });
    this.routesFile = join(dir, "upshift-routes.conf");
    this.stateFile = join(dir, "routes.json");
    this.owned = options.mainConfig === undefined;
    this.nginx = {
      binary: options.binary ?? "/usr/sbin/nginx",
      mainConfig: options.mainConfig ?? join(dir, "nginx.conf"),
      errorLog: this.owned ? nginxErrorLog(dir) : null,
      pidFile: this.owned ? nginxPidFile(dir) : null,
    };
  }

  private routes(): Record<string, RouteConfig> {
    return readJsonFile<Record<string, RouteConfig>>(this.stateFile) ?? {};
  }

  private accessLog(service: string): string {
    return join(this.options.directory, "logs", `${service}.access.log`);
  }

  private render(routes: Record<string, RouteConfig>) {
    return renderNginxRoutes(Object.values(routes), {
      statusListen: this.options.statusListen,
      accessLogFor: (service) => this.accessLog(service),
    });
  }

  /** Starts the owned nginx with the routes in force, unless it already runs (then it is adopted). */
  async ensureRunning(): Promise<number> {
    if (!this.owned) throw new Error("this nginx is run by someone else");
    const running = nginxMasterPid(this.nginx);
    if (running !== null) return running;
    const dir = this.options.directory;
    mkdirSync(join(dir, "temp"), { recursive: true });
    const user =
      this.options.user !== undefined ? this.options.user : process.getuid?.() === 0 ? "root" : null;
    const main = renderNginxMainConfig({
      directory: dir,
      routesFile: this.routesFile,
      user,
      workerProcesses: this.options.workerProcesses ?? 1,
    });
    writeFileSync(this.nginx.mainConfig, main);
    const rendered = this.render(this.routes());
    writeFileSync(this.routesFile, rendered.text);
    const started = await runNginx(this.nginx, []);
    if (started.kind === "failed") throw new Error(`nginx did not start: ${started.output}`);
    if (
      !(await waitForDigest(
        this.options.statusListen,
        rendered.digest,
        this.options.reloadTimeoutMs ?? 10_000,
      ))
    )
      throw new Error(
        `nginx started but does not answer on ${this.options.statusListen}: ${errorLogTail(this.nginx)}`,
      );
    return nginxMasterPid(this.nginx) ?? 0;
  }

  /** Stops the owned nginx at once (`nginx -s stop`) and waits for its master to exit. */
  async stop(): Promise<void> {
    const pid = nginxMasterPid(this.nginx);
    if (pid === null) return;
    await runNginx(this.nginx, ["-s", "stop"]);
    for (let i = 0; i < 100 && nginxMasterPid(this.nginx) !== null; i++)
      await new Promise((r) => setTimeout(r, 50));
  }

  private apply(service: string, change: (current: RouteConfig) => RouteConfig): Promise<RouteConfig> {
    const run = this.queue.then(() => this.applyNow(service, change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(
    service: string,
    change: (current: RouteConfig) => RouteConfig,
  ): Promise<RouteConfig> {
    const listener = this.options.services[service];
    if (listener === undefined)
      throw new NotFoundError("router-service-unknown", `no nginx listener for ${service}`);
    if (this.owned) await this.ensureRunning();
    const routes = this.routes();
    const current = routes[service] ?? emptyRouteConfig(service, listener.listen, null);
    const next = change(current);
    assertValidRouteConfig(next);
    const nextRoutes = { ...routes, [service]: next };
    const rendered = this.render(nextRoutes);
    // Idempotent: same routes already served, nothing to do.
    if (next === current && (await activeDigest(this.options.statusListen)) === rendered.digest)
      return current;

    await replaceRoutesFile(
      {
        nginx: this.nginx,
        routesFile: this.routesFile,
        statusListen: this.options.statusListen,
        reloadTimeoutMs: this.options.reloadTimeoutMs ?? 10_000,
      },
      rendered,
      `the routes of ${service}`,
    );
    writeJsonAtomically(this.stateFile, nextRoutes);
    return next;
  }

  setUpstreams(service: string, upstreams: VersionUpstreams): Promise<RouteConfig> {
    return this.apply(service, (c) => withUpstreams(c, upstreams));
  }

  setWeights(service: string, weights: VersionWeights): Promise<RouteConfig> {
    return this.apply(service, (c) => withWeights(c, weights));
  }

  setHeaderRoute(service: string, route: HeaderRoute | null): Promise<RouteConfig> {
    return this.apply(service, (c) => withHeaderRoute(c, route));
  }

  async observe(service: string): Promise<RouterObservation> {
    const config = this.routes()[service];
    if (config === undefined)
      throw new NotFoundError("router-service-unknown", `nginx routes nothing for ${service}`);
    const log = this.accessLog(service);
    const seen = parseNginxAccessLog(existsSync(log) ? readFileSync(log, "utf8") : "", config);
    const stats: Record<string, VersionStats> = {};
    for (const version of Object.keys(config.upstreams)) stats[version] = emptyVersionStats();
    Object.assign(stats, seen);
    return {
      service,
      config,
      stats,
      router: {
        kind: "nginx",
        pid: nginxMasterPid(this.nginx) ?? 0,
        configFile: this.routesFile,
        configDigest: (await activeDigest(this.options.statusListen)) ?? "",
      },
    };
  }
}
