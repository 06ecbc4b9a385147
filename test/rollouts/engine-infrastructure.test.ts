import { afterEach, describe, expect, it } from "vitest";
import { buildArtifact, fleetDocuments, RolloutWorld, releaseDocument } from "./rollout-harness.js";

let world: RolloutWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The Release's verify step samples the deployed instances' /proc (memory bound `max` bytes). */
const infrastructureCheck = (maxBytes: number) => `  checks:
    - name: infra
      check:
        kind: infrastructure
        name: infra
        window: 1s
        interval: 250ms
        memoryBytes: {max: ${maxBytes}}
`;

describe("infrastructure checks in runs (process driver, /proc of the real instances)", () => {
  it("passes within its bounds and fails a run whose instances use more memory than allowed", async () => {
    world = await RolloutWorld.create("infra");
    const w = world;
    await w.openStore();
    w.startEngine();
    const listen = `127.0.0.1:${await w.port("web")}`;
    const v1 = await buildArtifact(w.dir, "web-1.0.0");
    const v2 = await buildArtifact(w.dir, "web-2.0.0");
    const base = fleetDocuments({
      environment: "dev",
      service: "web",
      version: "0.0.0",
      stateDir: w.stateDir,
      replicas: 1,
      router: `{type: builtin, settings: {services: {web: {listen: "${listen}"}}}}`,
    });
    const release = (name: string, version: string, artifact: typeof v1, maxBytes: number) =>
      releaseDocument({
        name,
        environment: "dev",
        service: "web",
        version,
        artifact,
        strategy: "{canary: {steps: [{setWeight: 100}]}}",
      }) + infrastructureCheck(maxBytes);

    // A Node.js process needs tens of MB: 4 GiB passes, 1 MiB cannot.
    await w.apply(base + release("roomy", "1.0.0", v1, 4 * 1024 ** 3));
    const roomy = await w.waitForRun(await w.startRun("roomy", "dev"), ["Succeeded", "Failed"]);
    expect(roomy.run.phase, JSON.stringify(roomy.steps)).toBe("Succeeded");
    const passed = roomy.steps.find((s) => s.kind === "verify");
    expect(passed?.message ?? "", JSON.stringify(passed)).toMatch(/infra/);

    await w.apply(release("tight", "2.0.0", v2, 1024 ** 2));
    const tight = await w.waitForRun(await w.startRun("tight", "dev"), ["Succeeded", "Failed", "RolledBack"]);
    expect(tight.run.phase).not.toBe("Succeeded");
    const failed = tight.steps.find((s) => s.kind === "verify");
    expect(failed?.state).toBe("failed");
    expect(failed?.message ?? "").toMatch(/memory/i);
  }, 90_000);
});
