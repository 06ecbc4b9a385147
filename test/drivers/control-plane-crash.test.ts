import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { createProcessDriver } from "../../src/adapters/drivers/process/process-driver.js";
import type { DeployRequest, Instance } from "../../src/core/rollout/driver-port.js";
import { cleanUp, getJson, recordedPids, serviceArtifact, tempDir } from "./process-fixture.js";

const dirs: string[] = [];
let controlPlane: ChildProcess | undefined;
afterAll(async () => {
  if (controlPlane?.exitCode === null && controlPlane.signalCode === null) controlPlane.kill("SIGKILL");
  const [state, root] = dirs;
  if (state !== undefined) await cleanUp(state, root ?? state);
});

describe("process driver across a control plane crash", () => {
  it("instances keep serving when the control plane is SIGKILLed, and the next one adopts them", async () => {
    const stateDir = await tempDir("state");
    const root = await tempDir("artifacts");
    dirs.push(stateDir, root);
    const request: DeployRequest = {
      service: "payments",
      environment: "dev",
      version: "3.1.0",
      slot: "stable",
      replicas: 2,
      artifact: await serviceArtifact(root),
      parameters: {},
      probe: {
        check: { kind: "http", path: "/healthz" },
        initialDelayMs: 0,
        periodMs: 50,
        timeoutMs: 500,
        failureThreshold: 40,
      },
    };
    const script = new URL("./fixtures/control-plane.ts", import.meta.url).pathname;
    // node itself, not the tsx wrapper: SIGKILL must hit the process that did the deploy.
    controlPlane = spawn(process.execPath, ["--import", "tsx", script, stateDir, JSON.stringify(request)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = (await once(
      createInterface({ input: controlPlane.stdout as NodeJS.ReadableStream }),
      "line",
    )) as [string];
    const started = JSON.parse(line) as Instance[];
    expect(started).toHaveLength(2);

    controlPlane.kill("SIGKILL");
    await once(controlPlane, "exit");
    for (const i of started)
      expect(await getJson(i.endpoint ?? "")).toMatchObject({ version: "3.1.0", pid: i.pid });

    const next = createProcessDriver({ stateDir });
    const adopted = await next.deploy(request, {
      idempotencyKey: "crash-1",
      fence: { stepId: "s", generation: 2 },
    });
    expect(adopted.changed).toBe(false);
    expect(adopted.instances.map((i) => i.pid)).toEqual(started.map((i) => i.pid));
    expect(await recordedPids(stateDir)).toHaveLength(2);
  });
});
