import { describe, expect, it } from "vitest";
import { buildRelease, builtinFleet, rolloutWorlds } from "./rollout-harness.js";

const worlds = rolloutWorlds();

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
    const w = await worlds.start("infra");
    const base = await builtinFleet(w, 1);
    const strategy = "{canary: {steps: [{setWeight: 100}]}}";
    const release = async (name: string, version: string, maxBytes: number) =>
      (await buildRelease(w, { name, version, strategy })) + infrastructureCheck(maxBytes);

    // A Node.js process needs tens of MB: 4 GiB passes, 1 MiB cannot.
    await w.apply(base + (await release("roomy", "1.0.0", 4 * 1024 ** 3)));
    const roomy = await w.waitForRun(await w.startRun("roomy", "dev"), ["Succeeded", "Failed"]);
    expect(roomy.run.phase, JSON.stringify(roomy.steps)).toBe("Succeeded");
    const passed = roomy.steps.find((s) => s.kind === "verify");
    expect(passed?.message ?? "", JSON.stringify(passed)).toMatch(/infra/);

    await w.apply(await release("tight", "2.0.0", 1024 ** 2));
    const tight = await w.waitForRun(await w.startRun("tight", "dev"), ["Succeeded", "Failed", "RolledBack"]);
    expect(tight.run.phase).not.toBe("Succeeded");
    const failed = tight.steps.find((s) => s.kind === "verify");
    expect(failed?.state).toBe("failed");
    expect(failed?.message ?? "").toMatch(/memory/i);
  }, 90_000);
});
