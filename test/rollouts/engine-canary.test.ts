import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/server/app.js";
import {
  buildArtifact,
  builtinFleet,
  builtinRouter,
  deployFirstVersion,
  ROLLOUT_STEP,
  releaseDocument,
  rolloutWorlds,
  SteadyLoad,
} from "./rollout-harness.js";

const worlds = rolloutWorlds();

describe("rollout steps through the engine (process driver, builtin router)", () => {
  it("deploys v1 from nothing, then canaries v2 to 100% under steady load without a failed request", async () => {
    const w = await worlds.start("canary");
    const router = await builtinRouter(w);
    const v1 = await deployFirstVersion(w, { router, strategy: "{canary: {steps: [{setWeight: 50}]}}" });
    const v2 = await buildArtifact(w.dir, "web-2.0.0");
    const url = w.webUrl;
    expect(await (await fetch(url)).json()).toMatchObject({
      version: "1.0.0",
      slot: "stable",
    });
    // The Release's artifact was recorded in the registry on first use.
    expect((await w.store.artifacts.get("web", "1.0.0"))?.digest).toBe(v1.digest);

    const load = new SteadyLoad(url, 40);
    const strategy =
      "{canary: {steps: [{setWeight: 20}, {pause: {duration: 1s}}, {setWeight: 50}, {analysis: {interval: 2s, count: 2}}, {pause: {}}]}}";
    await w.apply(releaseDocument({ name: "second", version: "2.0.0", artifact: v2, strategy }));
    const second = await w.startRun("second", "dev");
    const step = await w.waitForStep(second, ROLLOUT_STEP, "waiting", /paused until promoted/);
    expect(step.message).toContain(`upshift run promote ${second} --service web`);
    // Half the traffic is on the canary while it waits for a person.
    const split = { ...load.byVersion };
    await w.promote(second, "alice");
    const end = await w.waitForRun(second, ["Succeeded", "Failed"]);
    await load.stop();
    expect(end.run.phase, JSON.stringify(end.steps)).toBe("Succeeded");
    expect(split["2.0.0"]?.ok ?? 0).toBeGreaterThan(0);
    expect(load.failedOutside("none"), load.errors.join("\n")).toBe(0);
    expect(load.byVersion["1.0.0"]?.ok ?? 0).toBeGreaterThan(0);
    expect(load.byVersion["2.0.0"]?.ok ?? 0).toBeGreaterThan(0);

    const instances = await w.instances();
    expect(instances.map((i) => [i.version, i.slot, i.index, i.health]).sort()).toEqual([
      ["2.0.0", "canary", 0, "healthy"],
      ["2.0.0", "canary", 1, "healthy"],
    ]);
    expect(await (await fetch(url)).json()).toMatchObject({ version: "2.0.0" });
    const output = end.steps.find((s) => s.key === ROLLOUT_STEP)?.output as Record<string, unknown>;
    expect(output).toMatchObject({
      mode: "strategy",
      state: { strategy: "canary", state: { kind: "completed" } },
    });
    expect(JSON.stringify(output.analysisReports)).toMatch(/2\.0\.0 error rate 0% over \d+ requests/);

    // `upshift rollback` of the finished run: a rollback run returns web to 1.0.0 through its canary.
    const app = await buildApp({ store: w.store });
    const token = (await w.store.tokens.create("ops", "operator", new Date())).token;
    const res = await app.inject({
      method: "POST",
      url: `/v1/runs/${second}/rollback`,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify({ reason: "back to 1.0.0" }),
    });
    await app.close();
    expect(res.statusCode, res.body).toBe(201);
    const back = await w.waitForRun(res.json().run.id, ["Succeeded", "Failed"]);
    expect(back.run.phase, JSON.stringify(back.steps)).toBe("Succeeded");
    expect(back.steps.find((s) => s.key === "rollback/w0/rollout/web")?.output).toMatchObject({
      mode: "reverse",
      plan: { kind: "canary", stable: { version: "2.0.0" }, canary: { version: "1.0.0", slot: "stable" } },
    });
    const restored = await w.instances();
    expect(restored.map((i) => `${i.version}/${i.slot}`)).toEqual(["1.0.0/stable", "1.0.0/stable"]);
    expect(await (await fetch(url)).json()).toMatchObject({ version: "1.0.0" });
  }, 60_000);

  it("fails a rollout on its pre-checks with what and where, and changes nothing", async () => {
    const w = await worlds.start("precheck");
    const v1 = await buildArtifact(w.dir, "web-1.0.0");
    const docs = await builtinFleet(w, 1);
    const tampered = { path: v1.path, digest: `sha256:${"0".repeat(64)}` };
    const recreate = "{recreate: {}}";
    await w.apply(
      docs + releaseDocument({ name: "bad", version: "1.0.0", artifact: tampered, strategy: recreate }),
    );
    const bad = await w.waitForRun(await w.startRun("bad", "dev"), ["Failed", "Succeeded"]);
    const message = bad.steps.find((s) => s.key === ROLLOUT_STEP)?.message ?? "";
    expect(message).toContain("pre-checks of web 1.0.0 in dev failed; nothing was changed");
    expect(message).toContain(`pre-check artifact failed at ${v1.path}`);
    expect(message).toContain(`does not match the released sha256:${"0".repeat(64)}`);

    // A failed run holds its service until it is rolled back: with nothing deployed, nothing to return.
    const back = await w.store.runs.signal(bad.run.id, { kind: "abort", by: "t" }, Date.now());
    expect(back.phase).toBe("RollingBack");
    const reverted = await w.waitForRun(bad.run.id, ["RolledBack", "Failed"]);
    expect(reverted.steps.find((s) => s.key === "rollback/w0/rollout/web")?.message).toMatch(
      /nothing to return/,
    );
    // The registry holds another digest for 2.0.0: the Release's is refused before anything starts.
    await w.store.artifacts.register(
      { name: "web", version: "2.0.0", digest: `sha256:${"1".repeat(64)}` },
      { actor: "t", now: new Date() },
    );
    await w.apply(releaseDocument({ name: "clash", version: "2.0.0", artifact: v1, strategy: recreate }));
    const clash = await w.waitForRun(await w.startRun("clash", "dev"), ["Failed", "Succeeded"]);
    expect(clash.steps.find((s) => s.key === ROLLOUT_STEP)?.message).toMatch(
      /the Release deploys web 2\.0\.0 as sha256:[0-9a-f]{64}, but the registry holds sha256:1{64} for that version/,
    );
    // A service the router has no listener for fails at once, naming the fix.
    await w.apply(
      releaseDocument({
        name: "nolistener",
        service: "api",
        version: "1.0.0",
        artifact: v1,
        strategy: recreate,
      }) +
        `---
apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: {name: api}
spec: {version: 0.0.0}
`,
    );
    const noListener = await w.waitForRun(await w.startRun("nolistener", "dev"), ["Failed", "Succeeded"]);
    expect(noListener.steps.find((s) => s.key === "w0/rollout/api")).toMatchObject({
      attempt: 1,
      message:
        'api in dev: router.settings.services of Environment dev has no entry for api; add api: {listen: "host:port"}; nothing was changed',
    });
    expect(await w.instances()).toEqual([]);
  }, 30_000);
});
