import { join } from "node:path";
import { findRunningRouter } from "../adapters/traffic/builtin/router-launcher.js";
import type { WeightSample } from "./demo-summary.js";
import type { StatsSnapshot } from "./error-rate-window.js";

/** What the demo has seen of one service's router so far. */
export interface RouterHistory {
  readonly weights: WeightSample[];
  readonly stats: StatsSnapshot[];
}

/**
 * Samples every service's builtin router (weights and per-version counters) through its loopback
 * admin endpoint, read-only: it never starts a router, it only finds the ones the control plane
 * started in `routersDir`.
 */
export class FleetWatch {
  readonly history = new Map<string, RouterHistory>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(
    private readonly routersDir: string,
    private readonly services: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const s of services) this.history.set(s, { weights: [], stats: [] });
  }

  /** Samples every `periodMs`, keeping stats snapshots of the last `keepMs`. */
  start(periodMs: number, keepMs = 30_000): void {
    this.timer = setInterval(() => {
      this.sampling ??= this.sample(keepMs).finally(() => {
        this.sampling = undefined;
      });
    }, periodMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }

  /** One sample of every router that runs (a router not started yet is skipped). */
  async sample(keepMs = 30_000): Promise<void> {
    await Promise.all(
      this.services.map(async (service) => {
        const router = await findRunningRouter(this.routersDir, service);
        if (router === null) return;
        try {
          const [config, stats] = await Promise.all([router.admin.config(), router.admin.stats()]);
          const at = this.now();
          const h = this.history.get(service);
          if (h === undefined) return;
          h.weights.push({ at, weights: config.weights });
          h.stats.push({ at, versions: stats.versions });
          while ((h.stats[0]?.at ?? at) < at - keepMs) h.stats.shift();
        } catch {
          // The router is being replaced or stopped: the next sample will tell.
        }
      }),
    );
  }

  /** The weights the router of `service` reported last. */
  lastWeights(service: string): Readonly<Record<string, number>> {
    return this.history.get(service)?.weights.at(-1)?.weights ?? {};
  }
}

/**
 * The builtin routers' directory of one environment under the rollout state directory (the rollout
 * runtime's default: each environment has its own routers).
 */
export const routersDirOf = (rolloutDir: string, environment: string) =>
  join(rolloutDir, "routers", environment);
