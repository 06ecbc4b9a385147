import { afterEach, describe, expect, it } from "vitest";
import { createProcessDriver } from "../../src/adapters/drivers/process/process-driver.js";
import { isAlive } from "../../src/adapters/drivers/process/process-liveness.js";
import type { ArtifactSpec } from "../../src/core/rollout/artifact-spec.js";
import type { DeployRequest } from "../../src/core/rollout/driver-port.js";
import type { HealthProbe } from "../../src/core/rollout/health-probe.js";
import type { RolloutSignal } from "../../src/core/rollout/rollout-observation.js";
import { initialRolloutState, type RolloutPlan } from "../../src/core/rollout/rollout-plan.js";
import { cleanUp, getJson, serviceArtifact, tempDir } from "./process-fixture.js";
import { type MemoryRouter, runRolloutLoop } from "./rollout-loop.js";

const target = { service: "web", environment: "dev" };
const probe: HealthProbe = {
  check: { kind: "http", path: "/healthz" },
  initialDelayMs: 0,
  periodMs: 50,
  timeoutMs: 500,
  failureThreshold: 40,
};
const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length > 0) {
    const [state, root] = dirs.splice(0, 2);
    if (state !== undefined) await cleanUp(state, root ?? state);
  }
});

/** Version 2.0.0-bad fails its health check, as a faulty release would. */
async function setup() {
  const stateDir = await tempDir("state");
  const root = await tempDir("artifacts");
  dirs.push(stateDir, root);
  const artifact: ArtifactSpec = await serviceArtifact(root);
  const driver = createProcessDriver({ stateDir, graceMs: 500 });
  const request = (version: string, slot: string, replicas: number): DeployRequest => ({
    ...target,
    version,
    slot,
    replicas,
    artifact,
    parameters: version.endsWith("-bad") ? { "health-fail": "true" } : {},
    probe: version.endsWith("-bad") ? { ...probe, failureThreshold: 4 } : probe,
  });
  await driver.deploy(request("1.0.0", "a", 3), {
    idempotencyKey: "initial",
    fence: { stepId: "init", generation: 1 },
  });
  const router: MemoryRouter = { weights: { "1.0.0": 100 }, headerRoute: null };
  return { driver, request, router };
}

/** Instances that answer HTTP right now, by version. */
async function serving(driver: ReturnType<typeof createProcessDriver>): Promise<string[]> {
  const answers = await Promise.all(
    (await driver.observe(target)).map((i) =>
      getJson(i.endpoint ?? "").then(
        (b) => String(b.version),
        () => "down",
      ),
    ),
  );
  return answers.filter((v) => v !== "down").sort();
}

describe("strategies driving real processes", () => {
  it("rolling: three instances replaced one at a time, never fewer than three serving", async () => {
    const { driver, request, router } = await setup();
    const plan: RolloutPlan = {
      kind: "rolling",
      from: { version: "1.0.0", slot: "a" },
      to: { version: "2.0.0", slot: "b" },
      replicas: 3,
      batchSize: 1,
      maxUnavailable: 0,
    };
    const seen: number[] = [];
    const end = await runRolloutLoop(plan, initialRolloutState(plan, new Date()), {
      driver,
      target,
      router,
      request,
      signals: [],
      afterAction: async () => {
        seen.push((await serving(driver)).length);
      },
    });
    expect(end.state.kind).toBe("completed");
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(3);
    expect(await serving(driver)).toEqual(["2.0.0", "2.0.0", "2.0.0"]);
    expect(router.weights).toEqual({ "2.0.0": 100 });
  });

  it("canary: paused at 50%, aborted, traffic back on stable and the canary processes gone", async () => {
    const { driver, request, router } = await setup();
    const plan: RolloutPlan = {
      kind: "canary",
      stable: { version: "1.0.0", slot: "a" },
      canary: { version: "2.0.0", slot: "b" },
      replicas: 1,
      steps: [{ kind: "setWeight", weight: 50 }, { kind: "pause" }],
    };
    const signals: RolloutSignal[] = [];
    const options = { driver, target, router, request, signals };
    const paused = await runRolloutLoop(plan, initialRolloutState(plan, new Date()), options);
    expect(router.weights).toEqual({ "1.0.0": 50, "2.0.0": 50 });
    const canaryPids = (await driver.observe(target)).filter((i) => i.slot === "b").map((i) => i.pid ?? 0);
    expect(canaryPids).toHaveLength(1);
    signals.push({ kind: "abort", at: new Date().toISOString(), reason: "error rate 12%" });
    const end = await runRolloutLoop(plan, paused, options);
    expect(end.state).toEqual({ kind: "aborted", reason: "error rate 12%" });
    expect(router.weights).toEqual({ "1.0.0": 100 });
    expect(canaryPids.some((pid) => isAlive(pid))).toBe(false);
    expect(await serving(driver)).toEqual(["1.0.0", "1.0.0", "1.0.0"]);
  });

  it("blue-green: a preview that never passes its probe is dropped and the active side never stops", async () => {
    const { driver, request, router } = await setup();
    const before = (await driver.observe(target)).map((i) => i.pid);
    const plan: RolloutPlan = {
      kind: "blueGreen",
      active: { version: "1.0.0", slot: "a" },
      preview: { version: "2.0.0-bad", slot: "b" },
      replicas: 3,
      previewChecks: [],
      scaleDownDelaySeconds: 0,
    };
    const end = await runRolloutLoop(plan, initialRolloutState(plan, new Date()), {
      driver,
      target,
      router,
      request,
      signals: [],
    });
    expect(end.state).toMatchObject({
      kind: "aborted",
      reason: expect.stringMatching(/^preview deploy failed: .*failed its http probe 4 times/),
    });
    expect(router.weights).toEqual({ "1.0.0": 100 });
    expect((await driver.observe(target)).map((i) => i.pid)).toEqual(before);
  });
});
