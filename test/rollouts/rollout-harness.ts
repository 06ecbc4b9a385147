import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect } from "vitest";
import { digestOfPath } from "../../src/adapters/drivers/process/artifact-digest.js";
import { findFreePort } from "../../src/adapters/drivers/process/free-port.js";
import { createProcessDriver } from "../../src/adapters/drivers/process/process-driver.js";
import { NginxTrafficRouter } from "../../src/adapters/traffic/nginx/nginx-traffic-router.js";
import type { Instance } from "../../src/core/rollout/driver-port.js";
import type { RunPhase } from "../../src/core/run/run-phase.js";
import { type EngineOptions, startEngine } from "../../src/server/engine-runtime.js";
import { runPlanFromStore } from "../../src/server/routes/plans.js";
import { openStore, type Store } from "../../src/store/store.js";

export const SERVICE_DIR = new URL("./fixtures/versioned-service/", import.meta.url).pathname;
/** Whether nginx is installed here (Debian's path): the nginx cases skip without it. */
export const NGINX_INSTALLED = existsSync("/usr/sbin/nginx");
/** The rollout step of `web` in the plans of these tests (one wave, one service). */
export const ROLLOUT_STEP = "w0/rollout/web";

/** A build of the test service: its directory and tree digest; `errorRate` makes it faulty. */
export async function buildArtifact(
  root: string,
  name: string,
  behaviour: { errorRate?: number } = {},
): Promise<{ path: string; digest: string }> {
  const path = join(root, name);
  await cp(SERVICE_DIR, path, { recursive: true });
  await writeFile(join(path, "behaviour.json"), JSON.stringify({ build: name, ...behaviour }));
  return { path, digest: await digestOfPath(path) };
}

/** Everything one system test starts, and how to stop it all. */
export class RolloutWorld {
  store!: Store;
  engine: ReturnType<typeof startEngine> | undefined;
  readonly ports: Record<string, number> = {};
  private readonly closers: (() => Promise<void>)[] = [];
  private constructor(readonly dir: string) {}

  static async create(prefix: string): Promise<RolloutWorld> {
    return new RolloutWorld(await mkdtemp(join(tmpdir(), `upshift-${prefix}-`)));
  }

  get dataDir(): string {
    return join(this.dir, "data");
  }
  get stateDir(): string {
    return join(this.dir, "rollouts");
  }

  async openStore(): Promise<Store> {
    this.store = await openStore({ dataDir: this.dataDir });
    return this.store;
  }

  startEngine(options: EngineOptions = {}): void {
    this.engine = startEngine(this.store, {
      leaseMs: 3000,
      pollMs: 100,
      rolloutStateDir: this.stateDir,
      ...options,
    });
  }

  /** Where `web` answers behind its router. */
  get webUrl(): string {
    return `http://127.0.0.1:${this.ports.web}/`;
  }

  /** Something to stop before the world closes (a router the engine started, say). */
  onClose(stop: () => Promise<void>): void {
    this.closers.push(stop);
  }

  async port(service: string): Promise<number> {
    const port = this.ports[service] ?? (await findFreePort("127.0.0.1"));
    this.ports[service] = port;
    return port;
  }

  async apply(yaml: string): Promise<void> {
    await this.store.documents.apply([{ name: "docs.yaml", text: yaml }], { actor: "test", now: new Date() });
  }

  async startRun(release: string, environment: string): Promise<string> {
    const plan = await runPlanFromStore(this.store, release, environment);
    return (await this.store.runs.createRun(plan, { startedBy: "test", now: Date.now() })).id;
  }

  /** Lets a paused rollout step go on, as `upshift run promote` does. */
  async promote(id: string, by: string, stepKey = ROLLOUT_STEP): Promise<void> {
    await this.store.runs.signal(id, { kind: "promote", stepKey, by }, Date.now());
  }

  /** The process driver's instances of `service` in dev, as it observes them. */
  instances(service = "web"): Promise<readonly Instance[]> {
    return createProcessDriver({ stateDir: join(this.stateDir, "process") }).observe({
      service,
      environment: "dev",
    });
  }

  /** Waits until the run is in one of `phases` (or fails the test after `timeoutMs`). */
  async waitForRun(id: string, phases: readonly RunPhase[], timeoutMs = 40_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.store.runs.getRun(id);
      if (got !== undefined && phases.includes(got.run.phase)) return got;
      if (Date.now() > deadline)
        throw new Error(`run ${id} did not reach ${phases.join("/")}: ${JSON.stringify(got, null, 1)}`);
      await sleep(100);
    }
  }

  /** Waits until a step of the run is in `state` with a message matching `pattern`. */
  async waitForStep(id: string, key: string, state: string, pattern = /./, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.store.runs.getRun(id);
      const step = got?.steps.find((s) => s.key === key && s.direction === "forward");
      if (step?.state === state && pattern.test(step.message ?? "")) return step;
      if (Date.now() > deadline)
        throw new Error(`step ${key} never ${state} ~ ${pattern}: ${JSON.stringify(got?.steps, null, 1)}`);
      await sleep(100);
    }
  }

  /** Waits until a forward step's checkpoint satisfies `test` (a step may sleep short waits while running). */
  async waitForCheckpoint(
    id: string,
    key: string,
    test: (output: Record<string, unknown>) => boolean,
    timeoutMs = 30_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.store.runs.getRun(id);
      const step = got?.steps.find((s) => s.key === key && s.direction === "forward");
      if (step !== undefined && test(step.output)) return step;
      if (Date.now() > deadline)
        throw new Error(`step ${key} checkpoint never matched: ${JSON.stringify(got?.steps, null, 1)}`);
      await sleep(100);
    }
  }

  /**
   * Runs what `onClose` was given, stops the engine and store, kills every instance and router it
   * recorded, removes the files.
   */
  async close(): Promise<void> {
    for (const stop of this.closers) await stop();
    await this.engine?.worker.halt();
    await this.store?.close();
    for (const pid of await recordedPids(this.dir)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * The world of each test in the calling file, closed after the test; after-hooks the file
 * registers later run before this one (vitest runs them as a stack), so they see it still up.
 */
export function rolloutWorlds(): {
  /** A world with its store open and no engine (a test that runs the engine elsewhere). */
  open(prefix: string): Promise<RolloutWorld>;
  /** A world with its store open and the engine running in this process. */
  start(prefix: string, options?: EngineOptions): Promise<RolloutWorld>;
} {
  let current: RolloutWorld | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const open = async (prefix: string) => {
    current = await RolloutWorld.create(prefix);
    await current.openStore();
    return current;
  };
  return {
    open,
    async start(prefix, options = {}) {
      const w = await open(prefix);
      w.startEngine(options);
      return w;
    },
  };
}

/** Every pid recorded under a directory (instance records and router pid files). */
export async function recordedPids(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const d of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (d.isFile() && d.name === "nginx.pid") {
      const pid = Number((await readFile(join(d.parentPath, d.name), "utf8").catch(() => "")).trim());
      if (pid > 0) pids.push(pid);
      continue;
    }
    if (!d.isFile() || !d.name.endsWith(".json")) continue;
    try {
      const r = JSON.parse(await readFile(join(d.parentPath, d.name), "utf8")) as { pid?: number };
      if (typeof r.pid === "number") pids.push(r.pid);
    } catch {
      // not a record
    }
  }
  return pids;
}

/** Steady traffic through a router: counts answers by version and status until stopped. */
export class SteadyLoad {
  readonly byVersion: Record<string, { ok: number; failed: number }> = {};
  /** Requests that got no HTTP answer, or an answer without a version (router 5xx). */
  unanswered = 0;
  readonly errors: string[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly url: string,
    ratePerSecond = 50,
  ) {
    this.done = this.loop(1000 / ratePerSecond);
  }

  private async loop(gapMs: number): Promise<void> {
    while (this.running) {
      const started = Date.now();
      void this.one();
      await sleep(Math.max(0, gapMs - (Date.now() - started)));
    }
  }

  /**
   * One request on its own connection: a pooled keep-alive socket that nginx closes on reload can
   * race a new request on the client side, which is the client's retry business, not a failed answer.
   */
  private async one(): Promise<void> {
    try {
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.get(this.url, { agent: false, timeout: 5000 }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            body += d;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: body }));
          res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error("timed out after 5 s")));
        req.on("error", reject);
      });
      let version: string | undefined;
      try {
        version = (JSON.parse(text) as { version?: string }).version;
      } catch {
        version = undefined;
      }
      if (version === undefined) {
        this.unanswered++;
        this.errors.push(`${new Date().toISOString()} ${status} ${text.slice(0, 100)}`);
        return;
      }
      const v = this.byVersion[version] ?? { ok: 0, failed: 0 };
      this.byVersion[version] = v;
      if (status >= 500) v.failed++;
      else v.ok++;
    } catch (e) {
      this.unanswered++;
      this.errors.push(`${new Date().toISOString()} ${String(e)}`);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    await sleep(300);
  }

  failedOutside(version: string): number {
    let n = this.unanswered;
    for (const [v, c] of Object.entries(this.byVersion)) if (v !== version) n += c.failed;
    return n;
  }
}

/** The Environment's `router:` document: the builtin router, with `web` on a port of its own. */
export async function builtinRouter(w: RolloutWorld): Promise<string> {
  return `{type: builtin, settings: {services: {web: {listen: "127.0.0.1:${await w.port("web")}"}}}}`;
}

/** The Environment's `router:` document: nginx, with `web` on a port of its own; stopped as the world closes. */
export async function nginxRouter(w: RolloutWorld): Promise<string> {
  const directory = join(w.dir, "nginx");
  const statusListen = `127.0.0.1:${await w.port("status")}`;
  const listen = `127.0.0.1:${await w.port("web")}`;
  const nginx = new NginxTrafficRouter({ directory, services: { web: { listen } }, statusListen });
  w.onClose(() => nginx.stop().catch(() => {}));
  return `{type: nginx, settings: {directory: ${directory}, statusListen: "${statusListen}", services: {web: {listen: "${listen}"}}}}`;
}

/** Environment dev and Service web on the process driver behind the builtin router, nothing deployed yet. */
export async function builtinFleet(w: RolloutWorld, replicas: number): Promise<string> {
  return fleetDocuments({
    environment: "dev",
    service: "web",
    // Nothing runs yet: the Service's current version is one that was never deployed.
    version: "0.0.0",
    stateDir: w.stateDir,
    replicas,
    router: await builtinRouter(w),
  });
}

/** Environment, Service and Release documents of one service on the process driver. */
export function fleetDocuments(o: {
  readonly environment: string;
  readonly service: string;
  readonly version: string;
  readonly stateDir: string;
  readonly replicas: number;
  readonly router: string;
}): string {
  return `apiVersion: upshift.dev/v1alpha1
kind: Environment
metadata: {name: ${o.environment}}
spec:
  order: 0
  driver: {type: process, settings: {stateDir: ${join(o.stateDir, "process")}, start: [${JSON.stringify(process.execPath)}, server.mjs], replicas: ${o.replicas}, graceMs: 2000}}
  router: ${o.router}
---
apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: {name: ${o.service}}
spec:
  version: ${o.version}
  probes: {readiness: {http: {path: /healthz}, period: 100ms, failureThreshold: 50}}
`;
}

/** A Release of one change (of web in dev unless told otherwise). */
export function releaseDocument(o: {
  readonly name: string;
  readonly environment?: string;
  readonly service?: string;
  readonly version: string;
  readonly artifact: { path: string; digest: string };
  readonly strategy: string;
}): string {
  return `---
apiVersion: upshift.dev/v1alpha1
kind: Release
metadata: {name: ${o.name}}
spec:
  environments: [${o.environment ?? "dev"}]
  changes:
    - service: ${o.service ?? "web"}
      version: ${o.version}
      artifact: {uri: ${JSON.stringify(o.artifact.path)}, digest: ${JSON.stringify(o.artifact.digest)}}
      strategy: ${o.strategy}
`;
}

/** A Release of web in dev whose artifact is a fresh build of the test service (faulty with `errorRate`). */
export async function buildRelease(
  w: RolloutWorld,
  o: {
    readonly name: string;
    readonly version: string;
    readonly strategy: string;
    readonly errorRate?: number;
  },
): Promise<string> {
  const behaviour = o.errorRate === undefined ? {} : { errorRate: o.errorRate };
  const artifact = await buildArtifact(w.dir, `svc-${o.version}`, behaviour);
  return releaseDocument({ name: o.name, version: o.version, artifact, strategy: o.strategy });
}

/**
 * Deploys 1.0.0 of `web` from nothing through the engine (an initial deploy) behind `router` (an
 * Environment's `router:` document), expecting its run to succeed; the world's store and engine
 * must be started. Returns the 1.0.0 build.
 */
export async function deployFirstVersion(
  w: RolloutWorld,
  o: { readonly router: string; readonly strategy: string; readonly replicas?: number },
): Promise<{ path: string; digest: string }> {
  const v1 = await buildArtifact(w.dir, "svc-1.0.0");
  const docs = fleetDocuments({
    environment: "dev",
    service: "web",
    version: "0.0.0",
    stateDir: w.stateDir,
    replicas: o.replicas ?? 2,
    router: o.router,
  });
  await w.apply(docs + releaseDocument({ name: "v1", version: "1.0.0", artifact: v1, strategy: o.strategy }));
  const run = await w.waitForRun(await w.startRun("v1", "dev"), ["Succeeded", "Failed"]);
  expect(run.run.phase, `the first deploy of web 1.0.0: ${JSON.stringify(run.steps, null, 1)}`).toBe(
    "Succeeded",
  );
  return v1;
}
