/**
 * The infrastructure check on real processes, read from /proc: a process that grows its memory by
 * about 4 MB/s is reported as a leak, a steady one passes; open files and restarts (a new pid for
 * the same instance) are counted; a process that is gone is an error of the check, not a pass.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { readProcProcess } from "../../src/adapters/infra/proc-process-reader.js";
import type { Instance } from "../../src/core/rollout/driver-port.js";
import { runVerificationCheck } from "../../src/engine/analysis/run-verification-check.js";
import { checkContext, checkTarget } from "./verify-step-harness.js";

// Each prints "ready" once set up, so a slow start on a loaded machine is not mistaken for growth.
const LEAKY =
  "const keep = []; setInterval(() => keep.push(Buffer.alloc(400_000, 1)), 100); console.log('ready');";
const STEADY =
  "const keep = Buffer.alloc(20_000_000, 1); setInterval(() => keep[0]++, 100); console.log('ready');";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

function start(code: string): ChildProcess {
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "ignore"] });
  children.push(child);
  return child;
}

/** Resolves once the child has printed "ready" (its memory is set up). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`child exited ${code} before it was ready`)));
  });
}

const ctx = checkContext();
const target = checkTarget();

function instance(pid: number | undefined, index = 0): Instance {
  return {
    service: "web",
    environment: "dev",
    version: "2.0.0",
    slot: "stable",
    index,
    health: "healthy",
    ...(pid ? { pid } : {}),
  };
}

const check = (bounds: Record<string, unknown>) => ({
  name: "infra",
  check: { kind: "infrastructure" as const, name: "infra", window: "3s", interval: "250ms", ...bounds },
});

describe("infrastructure check from /proc", () => {
  it("reports a leaking process and passes a steady one", async () => {
    const leaky = start(LEAKY);
    const steady = start(STEADY);
    await Promise.all([ready(leaky), ready(steady)]);
    await new Promise((r) => setTimeout(r, 300));
    const ports = (pid: number) => ({
      instances: async () => [instance(pid)],
      readProcess: readProcProcess,
    });
    const bounds = { leak: { maxBytesPerSecond: 1_000_000 }, openFiles: { max: 1000 }, restarts: { max: 0 } };
    const [bad, good] = await Promise.all([
      runVerificationCheck(ctx, check(bounds), ports(leaky.pid as number), target),
      runVerificationCheck(ctx, check(bounds), ports(steady.pid as number), target),
    ]);
    expect(bad.kind, bad.message).toBe("failed");
    expect(bad.message).toMatch(
      /instance stable\/0: memory grows \d+(\.\d+)? B\/s > 1000000 B\/s over \d+ samples \(leak\)/,
    );
    expect(good.kind, good.message).toBe("passed");
    expect(good.message).toMatch(/openFiles \d+, restarts 0 within bounds/);
  }, 20_000);

  it("counts a restart when the instance comes back with a new pid, and fails the bound", async () => {
    const first = start(STEADY);
    const second = start(STEADY);
    let calls = 0;
    const outcome = await runVerificationCheck(
      ctx,
      check({ window: "1s", restarts: { max: 0 } }),
      {
        instances: async () => [instance((calls++ < 2 ? first.pid : second.pid) as number)],
        readProcess: readProcProcess,
      },
      target,
    );
    expect(outcome.kind).toBe("failed");
    expect(outcome.message).toMatch(/restarts 1 > max 0/);
  }, 10_000);

  it("is an error when the instance's process is gone or the driver gives no pids", async () => {
    const gone = start("process.exit(0)");
    await new Promise((r) => gone.once("exit", r));
    const outcome = await runVerificationCheck(
      ctx,
      check({ window: "500ms", memoryBytes: { max: 1e9 } }),
      { instances: async () => [instance(gone.pid as number)], readProcess: readProcProcess },
      target,
    );
    expect(outcome.kind).toBe("error");
    const nothing = await runVerificationCheck(ctx, check({ window: "500ms" }), {}, target);
    expect(nothing.message).toMatch(/needs the process driver; for other drivers set `prometheus` queries/);
  });
});
