/**
 * The judge-based executor inside the engine's rollout step (process driver, builtin router, real
 * service processes under load): an analysis that ends Inconclusive pauses the canary, which then
 * waits for a person — abort rolls the run back, promote finishes it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createAnalysisExecutor } from "../../src/server/verification-runtime.js";
import { buildRelease, builtinFleet, rolloutWorlds, SteadyLoad } from "../rollouts/rollout-harness.js";

const worlds = rolloutWorlds();
let load: SteadyLoad | undefined;
// Registered after the worlds' hook, so it runs first: the load stops before its world closes.
afterEach(async () => {
  await load?.stop();
  load = undefined;
});

// The error rate lies in [0, 1]: neither condition can hold, so every measurement is Inconclusive.
const INCONCLUSIVE_ANALYSIS = `  analysis:
    metrics:
      - name: canary-errors
        provider: {kind: builtin, series: error-rate}
        successCondition: "result < 0"
        failureCondition: "result > 1"
`;

describe("inconclusive analysis through the engine", () => {
  it("pauses the canary for a person: abort rolls back, promote finishes", async () => {
    const w = await worlds.open("inconclusive");
    w.startEngine({
      analysis: (targets) =>
        createAnalysisExecutor(w.store, { router: (environment) => targets.routerFor(environment) }),
    });
    const strategy =
      "{canary: {steps: [{setWeight: 50}, {analysis: {interval: 1s, count: 2}}, {setWeight: 100}]}}";
    const release = async (name: string, version: string, extra = "") =>
      w.apply((await buildRelease(w, { name, version, strategy })) + extra);
    await w.apply(await builtinFleet(w, 1));
    await release("v1", "1.0.0");
    const first = await w.waitForRun(await w.startRun("v1", "dev"), ["Succeeded", "Failed"]);
    expect(first.run.phase, JSON.stringify(first.steps)).toBe("Succeeded");
    load = new SteadyLoad(w.webUrl, 40);

    await release("v2", "2.0.0", INCONCLUSIVE_ANALYSIS);
    const aborted = await w.startRun("v2", "dev");
    const waiting = await w.waitForStep(aborted, "w0/rollout/web", "waiting", /inconclusive/);
    expect(waiting.message).toMatch(/analysis inconclusive; promote or abort/);
    // It stays paused: nobody decided yet.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await w.store.runs.getRun(aborted))?.run.phase).toBe("Running");
    await w.store.runs.signal(aborted, { kind: "abort", by: "ana", reason: "errors unclear" }, Date.now());
    const back = await w.waitForRun(aborted, ["RolledBack", "Failed"]);
    expect(back.run.phase, JSON.stringify(back.steps)).toBe("RolledBack");
    expect(await (await fetch(w.webUrl)).json()).toMatchObject({ version: "1.0.0" });

    await release("v3", "3.0.0", INCONCLUSIVE_ANALYSIS);
    const promoted = await w.startRun("v3", "dev");
    await w.waitForStep(promoted, "w0/rollout/web", "waiting", /inconclusive/);
    await w.promote(promoted, "ana");
    const done = await w.waitForRun(promoted, ["Succeeded", "Failed"]);
    expect(done.run.phase, JSON.stringify(done.steps)).toBe("Succeeded");
    expect(await (await fetch(w.webUrl)).json()).toMatchObject({ version: "3.0.0" });
  }, 120_000);
});
