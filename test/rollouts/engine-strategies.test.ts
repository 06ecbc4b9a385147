import { describe, expect, it } from "vitest";
import {
  buildRelease,
  builtinRouter,
  deployFirstVersion,
  NGINX_INSTALLED,
  nginxRouter,
  ROLLOUT_STEP,
  type RolloutWorld,
  rolloutWorlds,
  SteadyLoad,
} from "./rollout-harness.js";

const worlds = rolloutWorlds();

/** A world with v1 of web deployed (an initial deploy through the engine) behind `router`. */
async function worldAtV1(
  prefix: string,
  router: (w: RolloutWorld) => Promise<string>,
  strategy: string,
  options: { minRequests?: number; replicas?: number } = {},
) {
  const w = await worlds.start(prefix, { minRequests: options.minRequests ?? 5 });
  await deployFirstVersion(w, {
    router: await router(w),
    strategy,
    ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
  });
  return w;
}

describe("strategies through the engine with real processes", () => {
  it("rolls a faulty canary back on its own: the error-rate analysis fails, traffic returns to v1 at once", async () => {
    const w = await worldAtV1("faulty", builtinRouter, "{canary: {steps: []}}");
    const url = w.webUrl;
    const load = new SteadyLoad(url, 50);
    const strategy =
      "{canary: {steps: [{setWeight: 20}, {analysis: {interval: 2s, count: 3}}, {setWeight: 100}]}}";
    await w.apply(await buildRelease(w, { name: "v2", version: "2.0.0", strategy, errorRate: 0.5 }));
    const id = await w.startRun("v2", "dev");
    const end = await w.waitForRun(id, ["Succeeded", "Failed"]);
    await load.stop();
    expect(end.run.phase).toBe("Failed");
    const step = end.steps.find((s) => s.key === ROLLOUT_STEP);
    expect(step?.message).toMatch(
      /rolled back: aborted \(analysis at step 2\/3 failed\); 1\.0\.0 serves all traffic/,
    );
    expect(JSON.stringify(step?.output.analysisReports)).toMatch(
      /2\.0\.0 error rate [3-6]\d(\.\d+)?% over \d+ requests \(limit 5%/,
    );
    const timeline = step?.output as { abortStartedAt?: string; finishedAt?: string };
    const seconds =
      (Date.parse(timeline.finishedAt ?? "") - Date.parse(timeline.abortStartedAt ?? "")) / 1000;
    console.log(`faulty canary: from the failed analysis to 1.0.0 alone: ${seconds.toFixed(2)} s`);
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(seconds).toBeLessThan(15);
    // The canary took its 20% and failed about half of it; nothing else failed.
    expect(load.byVersion["2.0.0"]?.failed ?? 0).toBeGreaterThan(0);
    expect(load.failedOutside("2.0.0"), load.errors.join("\n")).toBe(0);
    expect((await w.instances()).map((i) => `${i.version}/${i.slot}`).sort()).toEqual([
      "1.0.0/stable",
      "1.0.0/stable",
    ]);
    expect(await (await fetch(url)).json()).toMatchObject({ version: "1.0.0" });
  }, 60_000);

  it("pauses a canary whose analysis is inconclusive (too little traffic) until a person promotes it", async () => {
    // No load at all and a high minimum: every measurement is too thin to judge.
    const w = await worldAtV1("inconclusive", builtinRouter, "{canary: {steps: []}}", { minRequests: 1000 });
    const strategy = "{canary: {steps: [{setWeight: 10}, {analysis: {interval: 1s, count: 1}}]}}";
    await w.apply(await buildRelease(w, { name: "v2", version: "2.0.0", strategy }));
    const id = await w.startRun("v2", "dev");
    const paused = await w.waitForStep(
      id,
      ROLLOUT_STEP,
      "waiting",
      /analysis inconclusive; promote or abort/,
    );
    expect(paused.message).toContain(`upshift run promote ${id} --service web`);
    expect(JSON.stringify(paused.output.analysisReports)).toMatch(
      /1 of 1 measurements had fewer than 1000 requests/,
    );
    await w.promote(id, "alice");
    const end = await w.waitForRun(id, ["Succeeded", "Failed"]);
    expect(end.run.phase, JSON.stringify(end.steps)).toBe("Succeeded");
    expect(await (await fetch(w.webUrl)).json()).toMatchObject({
      version: "2.0.0",
    });
  }, 60_000);

  it("rolls 3 replicas one at a time (rolling) under steady load without a failed request", async () => {
    const w = await worldAtV1("rolling", builtinRouter, "{rolling: {batchSize: 1, maxUnavailable: 0}}", {
      replicas: 3,
    });
    const url = w.webUrl;
    expect((await w.instances()).map((i) => `${i.version}/${i.slot}`)).toEqual([
      "1.0.0/a",
      "1.0.0/a",
      "1.0.0/a",
    ]);
    const load = new SteadyLoad(url, 50);
    const strategy = "{rolling: {batchSize: 1, maxUnavailable: 0}}";
    await w.apply(await buildRelease(w, { name: "v2", version: "2.0.0", strategy }));
    const end = await w.waitForRun(await w.startRun("v2", "dev"), ["Succeeded", "Failed"]);
    await load.stop();
    expect(end.run.phase, JSON.stringify(end.steps)).toBe("Succeeded");
    expect(load.failedOutside("none"), load.errors.join("\n")).toBe(0);
    expect(load.byVersion["1.0.0"]?.ok ?? 0).toBeGreaterThan(0);
    expect(load.byVersion["2.0.0"]?.ok ?? 0).toBeGreaterThan(0);
    expect((await w.instances()).map((i) => `${i.version}/${i.slot}/${i.health}`)).toEqual([
      "2.0.0/b/healthy",
      "2.0.0/b/healthy",
      "2.0.0/b/healthy",
    ]);
  }, 60_000);

  it.skipIf(!NGINX_INSTALLED)(
    "switches blue-green behind nginx, and a rollback during the scale-down delay switches back",
    async () => {
      const w = await worldAtV1("bluegreen", nginxRouter, "{blueGreen: {}}");
      const url = w.webUrl;
      expect(await (await fetch(url)).json()).toMatchObject({ version: "1.0.0", slot: "blue" });
      const load = new SteadyLoad(url, 50);
      const strategy = "{blueGreen: {scaleDownDelay: 30s}}";
      await w.apply(await buildRelease(w, { name: "v2", version: "2.0.0", strategy }));
      const id = await w.startRun("v2", "dev");
      // Switched: all traffic on green, blue kept for the delay.
      await w.waitForCheckpoint(
        id,
        ROLLOUT_STEP,
        (o) => (o.state as { state?: { kind?: string } } | undefined)?.state?.kind === "scaleDownDelay",
      );
      const deadline = Date.now() + 20_000;
      while (
        ((await (await fetch(url)).json()) as { version: string }).version !== "2.0.0" &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 100));
      expect(await (await fetch(url)).json()).toMatchObject({ version: "2.0.0", slot: "green" });
      expect((await w.instances()).map((i) => `${i.version}/${i.slot}`).sort()).toEqual([
        "1.0.0/blue",
        "1.0.0/blue",
        "2.0.0/green",
        "2.0.0/green",
      ]);
      await w.store.runs.signal(id, { kind: "abort", by: "alice", reason: "switch back" }, Date.now());
      const end = await w.waitForRun(id, ["RolledBack", "Failed", "Aborted"]);
      await load.stop();
      expect(end.run.phase, JSON.stringify(end.steps)).toBe("RolledBack");
      expect(await (await fetch(url)).json()).toMatchObject({ version: "1.0.0", slot: "blue" });
      expect(load.failedOutside("none"), load.errors.join("\n")).toBe(0);
      expect(load.byVersion["2.0.0"]?.ok ?? 0).toBeGreaterThan(0);
      expect((await w.instances()).map((i) => `${i.version}/${i.slot}`)).toEqual([
        "1.0.0/blue",
        "1.0.0/blue",
      ]);
    },
    60_000,
  );
});
