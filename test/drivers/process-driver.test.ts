import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createProcessDriver } from "../../src/adapters/drivers/process/process-driver.js";
import { isAlive } from "../../src/adapters/drivers/process/process-liveness.js";
import { DriverError } from "../../src/core/rollout/driver-error.js";
import type { DeployRequest } from "../../src/core/rollout/driver-port.js";
import type { HealthProbe } from "../../src/core/rollout/health-probe.js";
import { allText, cleanUp, getJson, recordedPids, serviceArtifact, tempDir } from "./process-fixture.js";

const httpProbe: HealthProbe = {
  check: { kind: "http", path: "/healthz" },
  initialDelayMs: 0,
  periodMs: 50,
  timeoutMs: 500,
  failureThreshold: 40,
};
const fence = { stepId: "run-1/rollout-orders", generation: 1 };
const opts = (key = "k1") => ({ idempotencyKey: key, fence, timeoutMs: 8000 });
const dirs: string[] = [];

async function setup() {
  const stateDir = await tempDir("state");
  const root = await tempDir("artifacts");
  dirs.push(stateDir, root);
  const artifact = await serviceArtifact(root);
  const request: DeployRequest = {
    service: "orders",
    environment: "dev",
    version: "1.0.0",
    slot: "stable",
    replicas: 2,
    artifact,
    parameters: { greeting: "hello from {{slot}}-{{index}}" },
    probe: httpProbe,
  };
  return { stateDir, root, request, driver: createProcessDriver({ stateDir, graceMs: 500 }) };
}

afterEach(async () => {
  while (dirs.length > 0) {
    const [state, root] = dirs.splice(0, 2);
    if (state !== undefined) await cleanUp(state, root ?? state);
  }
});

describe("process driver", () => {
  it("starts verified instances on free ports, repeats as a no-op, and retires them", async () => {
    const { driver, request } = await setup();
    const first = await driver.deploy(request, opts());
    expect(first.changed).toBe(true);
    expect(first.instances.map((i) => [i.slot, i.index, i.version, i.health])).toEqual([
      ["stable", 0, "1.0.0", "healthy"],
      ["stable", 1, "1.0.0", "healthy"],
    ]);
    const [a, b] = first.instances;
    expect(a?.endpoint).not.toBe(b?.endpoint);
    expect(await getJson(a?.endpoint ?? "")).toMatchObject({
      version: "1.0.0",
      slot: "stable",
      greeting: "hello from stable-0",
    });
    expect(first.log.some((l) => l.includes("verified"))).toBe(true);

    const again = await driver.deploy(request, opts());
    expect(again.changed).toBe(false);
    expect(again.instances.map((i) => i.pid)).toEqual(first.instances.map((i) => i.pid));

    const retired = await driver.retire(request, "stable", opts("k2"));
    expect(retired.changed).toBe(true);
    for (const i of first.instances) expect(isAlive(i.pid ?? 0)).toBe(false);
    expect(await driver.observe(request)).toEqual([]);
  });

  it("refuses an artifact whose digest does not match, and starts nothing", async () => {
    const { driver, request, stateDir } = await setup();
    if (request.artifact.kind !== "directory") throw new Error("fixture");
    await writeFile(join(request.artifact.path, "server.mjs"), "// tampered\n", { flag: "a" });
    const err = await driver.deploy(request, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverError);
    expect((err as DriverError).code).toBe("driver-artifact-digest-mismatch");
    expect((err as Error).message).toContain(request.artifact.path);
    expect(await recordedPids(stateDir)).toEqual([]);
  });

  it("adopts live instances after a restart instead of starting second copies, and replaces dead ones", async () => {
    const { driver, request, stateDir } = await setup();
    const first = await driver.deploy(request, opts());
    const restarted = createProcessDriver({ stateDir, graceMs: 500 });
    const seen = await restarted.observe(request);
    expect(seen.map((i) => [i.pid, i.health])).toEqual(first.instances.map((i) => [i.pid, "healthy"]));
    const adopted = await restarted.deploy(request, opts());
    expect(adopted.changed).toBe(false);
    expect(adopted.log.filter((l) => l.startsWith("adopted"))).toHaveLength(2);
    expect(await recordedPids(stateDir)).toHaveLength(2);

    const victim = first.instances[1]?.pid ?? 0;
    process.kill(-victim, "SIGKILL");
    await expect
      .poll(async () => (await restarted.observe(request))[1]?.health, { timeout: 3000 })
      .toBe("gone");
    const healed = await restarted.deploy(request, opts());
    expect(healed.changed).toBe(true);
    expect(healed.instances[0]?.pid).toBe(first.instances[0]?.pid);
    expect(healed.instances[1]?.pid).not.toBe(victim);
    expect(healed.instances.every((i) => i.health === "healthy")).toBe(true);
  });

  it.each([
    ["tcp", { kind: "tcp" }],
    [
      "command",
      {
        kind: "command",
        command: [
          process.execPath,
          "-e",
          "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
        ],
      },
    ],
  ] as const)("waits for a %s probe, and a failing command probe fails the deploy", async (_name, check) => {
    const { driver, request } = await setup();
    // Starting node for a command probe can take most of a second on a busy machine.
    const probe = { ...httpProbe, check, timeoutMs: 3000 };
    const ok = await driver.deploy({ ...request, replicas: 1, probe }, opts());
    expect(ok.instances.map((i) => i.health)).toEqual(["healthy"]);
    expect(await getJson(ok.instances[0]?.endpoint ?? "")).toMatchObject({ version: "1.0.0" });
    if (check.kind === "command") {
      const failing = { ...request, slot: "canary", replicas: 1, parameters: { "health-fail": "true" } };
      const e = (await driver
        .deploy({ ...failing, probe: { ...probe, initialDelayMs: 300, failureThreshold: 2 } }, opts())
        .catch((x: unknown) => x)) as DriverError;
      expect(e.message).toMatch(/failed its command probe 2 times/);
    }
  });

  it("replaces a recorded instance that is alive but no longer answers its probe", async () => {
    const { driver, request } = await setup();
    const quick = {
      ...request,
      replicas: 1,
      probe: { ...httpProbe, initialDelayMs: 400, timeoutMs: 200, failureThreshold: 3 },
    };
    const [frozen] = (await driver.deploy(quick, opts())).instances;
    process.kill(frozen?.pid ?? 0, "SIGSTOP");
    const healed = await driver.deploy(quick, opts());
    expect(healed.log[0]).toMatch(/^replacing stable-0: .*failed its http probe 3 times/);
    expect(healed.instances.map((i) => i.health)).toEqual(["healthy"]);
    expect(healed.instances[0]?.pid).not.toBe(frozen?.pid);
    expect(isAlive(frozen?.pid ?? 0)).toBe(false);
  });

  it("fails a version that never passes its probe, and leaves nothing running", async () => {
    const { driver, request, stateDir } = await setup();
    const failing = {
      ...request,
      replicas: 1,
      parameters: { "health-fail": "true" },
      probe: { ...httpProbe, initialDelayMs: 600, failureThreshold: 3 },
    };
    const err = (await driver.deploy(failing, opts()).catch((e: unknown) => e)) as DriverError;
    expect(err.code).toBe("driver-unhealthy");
    expect(err.message).toMatch(/failed its http probe 3 times/);
    expect(err.log.some((l) => l.includes("service 1.0.0 starting"))).toBe(true);
    expect(await recordedPids(stateDir)).toEqual([]);
  });

  it("kills an instance that ignores SIGTERM after the grace period", async () => {
    const { driver, request } = await setup();
    const stubborn = { ...request, replicas: 1, parameters: { "ignore-sigterm": "true" } };
    const [instance] = (await driver.deploy(stubborn, opts())).instances;
    const started = Date.now();
    const retired = await driver.retire(request, "stable", opts("k2"));
    expect(retired.log[0]).toMatch(/\(killed\)$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(isAlive(instance?.pid ?? 0)).toBe(false);
  });

  it("scales a slot up and down from its recorded request", async () => {
    const { driver, request } = await setup();
    await driver.deploy({ ...request, replicas: 1 }, opts());
    expect((await driver.scale(request, "stable", 3, opts("k2"))).instances.map((i) => i.index)).toEqual([
      0, 1, 2,
    ]);
    expect((await driver.scale(request, "stable", 1, opts("k3"))).instances.map((i) => i.index)).toEqual([0]);
    await expect(driver.scale(request, "canary", 1, opts("k4"))).rejects.toThrow(/never deployed/);
  });

  it("refuses a worker whose lease generation is older than one that already acted", async () => {
    const { driver, request } = await setup();
    await driver.deploy({ ...request, replicas: 1 }, { ...opts(), fence: { ...fence, generation: 3 } });
    const err = (await driver
      .retire(request, "stable", { ...opts(), fence: { ...fence, generation: 2 } })
      .catch((e: unknown) => e)) as DriverError;
    expect(err.code).toBe("driver-stale-fence");
    expect((await driver.observe(request)).map((i) => i.health)).toEqual(["healthy"]);
  });

  it("passes secrets to the instance but never writes them to state, slot files or logs", async () => {
    const { driver, request, stateDir, root } = await setup();
    const secret = "tok-9f8e7d6c5b4a-not-for-disk";
    const fileSecret = "file-secret-1a2b3c4d";
    process.env.UPSHIFT_TEST_TOKEN = secret;
    await writeFile(join(root, "secret.txt"), `${fileSecret}\n`);
    try {
      const withSecrets = {
        ...request,
        replicas: 1,
        parameters: { token: "env:UPSHIFT_TEST_TOKEN", greeting: `file:${join(root, "secret.txt")}` },
      };
      const result = await driver.deploy(withSecrets, opts());
      const body = await getJson(result.instances[0]?.endpoint ?? "");
      expect(body.greeting).toBe(fileSecret);
      expect(body.tokenSha256).toMatch(/^[0-9a-f]{64}$/);
      const written = await allText(stateDir);
      expect(written).toContain("env:UPSHIFT_TEST_TOKEN");
      expect(written).not.toContain(secret);
      expect(written).not.toContain(fileSecret);
      expect(JSON.stringify(result)).not.toContain(secret);
      const missing = { ...withSecrets, slot: "canary", parameters: { token: "env:UPSHIFT_TEST_ABSENT" } };
      await expect(driver.deploy(missing, opts())).rejects.toThrow(
        "parameter TOKEN: secret env:UPSHIFT_TEST_ABSENT could not be read",
      );
    } finally {
      delete process.env.UPSHIFT_TEST_TOKEN;
    }
  });
});
