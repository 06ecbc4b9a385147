import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { artifactPath } from "../../../core/rollout/artifact-spec.js";
import { DriverError } from "../../../core/rollout/driver-error.js";
import type {
  DeployRequest,
  Driver,
  DriverActionOptions,
  DriverActionResult,
  Instance,
  InstanceHealth,
  ServiceTarget,
} from "../../../core/rollout/driver-port.js";
import { digestOfArtifact } from "./artifact-digest.js";
import { FenceGuard } from "./fence-guard.js";
import { findFreePort } from "./free-port.js";
import { instanceLaunch } from "./instance-launch.js";
import { checkName, type InstanceRecord, InstanceRecordStore } from "./instance-record.js";
import { isAlive } from "./process-liveness.js";
import { probeOnce } from "./run-probe.js";
import { startInstance, waitHealthy } from "./start-instance.js";
import { stopProcessGroup } from "./stop-process-group.js";

export interface ProcessDriverOptions {
  /** Instance records, slot requests, fences and logs live here; it outlives the control plane. */
  readonly stateDir: string;
  readonly host?: string;
  /** Time between SIGTERM and SIGKILL on retire. */
  readonly graceMs?: number;
  readonly defaultTimeoutMs?: number;
  /** Variables of the control plane passed on to instances (default PATH, HOME, LANG, TZ). */
  readonly inheritEnv?: readonly string[];
  readonly now?: () => Date;
}

/**
 * The `process` driver: each instance is a detached local process started from a verified
 * artifact, recorded in the state directory, and adopted again by a restarted control plane.
 */
export function createProcessDriver(options: ProcessDriverOptions): Driver {
  const store = new InstanceRecordStore(options.stateDir);
  const fences = new FenceGuard(options.stateDir);
  const host = options.host ?? "127.0.0.1";
  const graceMs = options.graceMs ?? 5000;
  const now = options.now ?? (() => new Date());
  const inherit = options.inheritEnv ?? ["PATH", "HOME", "LANG", "TZ"];
  const locks = new Map<string, Promise<unknown>>();

  /** One action at a time per service and environment in this process. */
  function serialized<T>(target: ServiceTarget, work: () => Promise<T>): Promise<T> {
    const key = `${target.service}/${target.environment}`;
    const run = (locks.get(key) ?? Promise.resolve()).catch(() => {}).then(work);
    locks.set(key, run);
    return run;
  }

  const slotFile = (t: ServiceTarget, slot: string) =>
    join(
      options.stateDir,
      "slots",
      checkName("service", t.service),
      checkName("environment", t.environment),
      `${checkName("slot", slot)}.json`,
    );

  function health(r: InstanceRecord, answers: boolean): InstanceHealth {
    if (!isAlive(r.pid, r.pidStart)) return "gone";
    if (answers) return "healthy";
    const grace = r.probe.initialDelayMs + r.probe.periodMs * r.probe.failureThreshold;
    return Date.now() - Date.parse(r.startedAt) < grace ? "starting" : "unhealthy";
  }

  function toInstance(r: InstanceRecord, h: InstanceHealth): Instance {
    const { service, environment, version, slot, index, pid, startedAt, artifactDigest } = r;
    return {
      service,
      environment,
      version,
      slot,
      index,
      pid,
      endpoint: `${host}:${r.port}`,
      startedAt,
      artifactDigest,
      health: h,
    };
  }

  async function observe(target: ServiceTarget): Promise<readonly Instance[]> {
    const records = await store.list(target.service, target.environment);
    return Promise.all(
      records.map(async (r) =>
        toInstance(r, health(r, isAlive(r.pid, r.pidStart) && (await probeOnce(r.probe, host, r.port)))),
      ),
    );
  }

  async function stop(r: InstanceRecord, log: string[]): Promise<void> {
    const how = await stopProcessGroup(r.pid, r.pidStart, graceMs);
    await store.remove(r);
    log.push(`stopped ${r.slot}-${r.index} ${r.version} pid ${r.pid} (${how})`);
  }

  async function deploy(request: DeployRequest, opts: DriverActionOptions): Promise<DriverActionResult> {
    if (!Number.isInteger(request.replicas) || request.replicas < 0)
      throw new DriverError(
        "invalid-request",
        `replicas must be a whole number ≥ 0, not ${request.replicas}`,
      );
    checkName("slot", request.slot);
    await fences.admit(opts.fence);
    return serialized(request, async () => {
      const log: string[] = [];
      const context = {
        stateDir: options.stateDir,
        host,
        inheritEnv: inherit,
        idempotencyKey: opts.idempotencyKey,
        deadline: Date.now() + (opts.timeoutMs ?? options.defaultTimeoutMs ?? 60_000),
        signal: opts.signal,
      };
      const inSlot = (await store.list(request.service, request.environment)).filter(
        (r) => r.slot === request.slot,
      );
      const keep = (r: InstanceRecord) =>
        r.index < request.replicas &&
        r.version === request.version &&
        r.artifactDigest === request.artifact.digest &&
        isAlive(r.pid, r.pidStart);
      const kept = inSlot.filter(keep);
      const missing = [...Array(request.replicas).keys()].filter((i) => !kept.some((r) => r.index === i));
      // Everything that can refuse the deploy is checked before the first instance is touched.
      if (missing.length > 0) {
        await verifyArtifact(request, log);
        instanceLaunch(request, 0, 0, context);
      }
      await saveSlot(request);
      let changed = false;
      for (const r of inSlot.filter((r) => !keep(r))) {
        await stop(r, log);
        changed = true;
      }
      for (const r of kept) {
        try {
          await waitHealthy(r, { host, deadline: context.deadline, secretValues: [], signal: opts.signal });
          log.push(`adopted ${r.slot}-${r.index} ${r.version} pid ${r.pid} port ${r.port}`);
        } catch (e) {
          if (!(e instanceof DriverError)) throw e;
          // Alive but not serving: replace it, one copy at a time.
          log.push(`replacing ${r.slot}-${r.index}: ${e.message}`);
          await stop(r, log);
          missing.push(r.index);
        }
      }
      for (const index of missing.sort((a, b) => a - b)) {
        const launch = instanceLaunch(request, index, await findFreePort(host), context);
        const started = await startInstance(launch, store, now).catch(async (e: unknown) => {
          for (const r of await store.list(request.service, request.environment))
            if (r.slot === request.slot && r.index === index) await stop(r, log);
          throw e instanceof DriverError ? e.withLog(log) : e;
        });
        log.push(
          `started ${started.slot}-${index} ${started.version} pid ${started.pid} port ${started.port}`,
        );
        changed = true;
      }
      const instances = (await observe(request)).filter((i) => i.slot === request.slot);
      return { changed, instances, log };
    });
  }

  async function verifyArtifact(request: DeployRequest, log: string[]): Promise<void> {
    const where = artifactPath(request.artifact);
    const actual = await digestOfArtifact(request.artifact);
    if (actual === undefined)
      throw new DriverError(
        "artifact-missing",
        `artifact ${where} of ${request.service} ${request.version} not found; nothing was started`,
        { log },
      );
    if (actual !== request.artifact.digest)
      throw new DriverError(
        "artifact-digest-mismatch",
        `artifact ${where} has digest ${actual}, but ${request.service} ${request.version} was released as ${request.artifact.digest}; nothing was started`,
        { log },
      );
    log.push(`artifact ${where} verified (${actual})`);
  }

  async function saveSlot(request: DeployRequest): Promise<void> {
    const file = slotFile(request, request.slot);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(request));
    await rename(`${file}.tmp`, file);
  }

  return {
    kind: "process",
    observe,
    deploy,
    async scale(target, slot, replicas, opts) {
      let saved: DeployRequest;
      try {
        saved = JSON.parse(await readFile(slotFile(target, slot), "utf8")) as DeployRequest;
      } catch {
        throw new DriverError(
          "invalid-request",
          `${target.service}/${target.environment} slot ${slot} was never deployed; deploy it first`,
        );
      }
      return deploy({ ...saved, replicas }, opts);
    },
    async retire(target, slot, opts) {
      checkName("slot", slot);
      await fences.admit(opts.fence);
      return serialized(target, async () => {
        const log: string[] = [];
        const inSlot = (await store.list(target.service, target.environment)).filter((r) => r.slot === slot);
        for (const r of inSlot) await stop(r, log);
        await rm(slotFile(target, slot), { force: true });
        return { changed: inSlot.length > 0, instances: [], log };
      });
    },
  };
}
