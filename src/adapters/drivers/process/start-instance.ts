import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DriverError } from "../../../core/rollout/driver-error.js";
import { probeVerdict } from "../../../core/rollout/health-probe.js";
import { maskSecrets } from "../../../core/rollout/resolve-secrets.js";
import type { InstanceRecord, InstanceRecordStore } from "./instance-record.js";
import { isAlive, processStartTicks } from "./process-liveness.js";
import { probeOnce } from "./run-probe.js";

/** Everything needed to start one instance; `env` holds resolved secrets and is never written. */
export interface InstanceLaunch {
  readonly record: Omit<InstanceRecord, "pid" | "pidStart" | "startedAt">;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly secretValues: readonly string[];
  readonly host: string;
  readonly deadline: number;
  readonly signal?: AbortSignal;
}

/** The last lines of an instance's log, secrets masked, for an error message. */
export async function logTail(file: string, secretValues: readonly string[], lines = 15): Promise<string[]> {
  try {
    const text = await readFile(file, "utf8");
    return text
      .split("\n")
      .filter((l) => l.length > 0)
      .slice(-lines)
      .map((l) => maskSecrets(l, secretValues));
  } catch {
    return [];
  }
}

/**
 * Starts a detached process (its own process group, output appended to its log file), records it
 * at once so a crash of the control plane right after still finds it, and waits for its probe.
 */
export async function startInstance(
  launch: InstanceLaunch,
  store: InstanceRecordStore,
  now: () => Date,
): Promise<InstanceRecord> {
  const { record: base, argv } = launch;
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new DriverError("invalid-request", "the start command is empty");
  await mkdir(dirname(base.logFile), { recursive: true });
  const out = openSync(base.logFile, "a");
  const child = spawn(cmd, args, {
    cwd: launch.cwd,
    env: launch.env,
    detached: true,
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new DriverError(
      "start-failed",
      `could not start ${JSON.stringify(argv)} in ${launch.cwd}: ${error.message}`,
    );
  }
  child.unref();
  const record: InstanceRecord = {
    ...base,
    pid,
    pidStart: processStartTicks(pid),
    startedAt: now().toISOString(),
  };
  await store.write(record);
  await waitHealthy(record, launch);
  return record;
}

/** Polls the probe until healthy; throws when the process dies, the threshold is hit, or time runs out. */
export async function waitHealthy(
  record: InstanceRecord,
  launch: Pick<InstanceLaunch, "host" | "deadline" | "secretValues" | "signal">,
): Promise<void> {
  const { probe } = record;
  const name = `${record.service}/${record.environment}/${record.slot}-${record.index} (${record.version}, pid ${record.pid}, port ${record.port})`;
  const elapsed = Date.now() - Date.parse(record.startedAt);
  if (elapsed < probe.initialDelayMs) await sleep(probe.initialDelayMs - elapsed);
  const results: boolean[] = [];
  for (;;) {
    if (launch.signal?.aborted) throw new DriverError("timeout", `${name}: aborted while waiting for health`);
    if (!isAlive(record.pid, record.pidStart))
      throw new DriverError("start-failed", `${name} exited before it became healthy`, {
        log: await logTail(record.logFile, launch.secretValues),
      });
    results.push(await probeOnce(probe, launch.host, record.port));
    const verdict = probeVerdict(results, probe.failureThreshold);
    if (verdict === "healthy") return;
    if (verdict === "unhealthy")
      throw new DriverError(
        "unhealthy",
        `${name} failed its ${probe.check.kind} probe ${probe.failureThreshold} times in a row`,
        {
          log: await logTail(record.logFile, launch.secretValues),
        },
      );
    if (Date.now() + probe.periodMs > launch.deadline)
      throw new DriverError("timeout", `${name} was not healthy before the deploy timeout`, {
        log: await logTail(record.logFile, launch.secretValues),
      });
    await sleep(probe.periodMs);
  }
}
