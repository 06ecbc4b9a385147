import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildRelease,
  builtinRouter,
  deployFirstVersion,
  type RolloutWorld,
  rolloutWorlds,
  SteadyLoad,
} from "./rollout-harness.js";

const SCRIPT = new URL("./fixtures/engine-process.ts", import.meta.url).pathname;
const worlds = rolloutWorlds();
const engines: ChildProcess[] = [];
// Registered after the worlds' hook, so it runs first: the engines die before their world closes.
afterEach(() => {
  for (const e of engines) if (e.exitCode === null && e.signalCode === null) e.kill("SIGKILL");
  engines.length = 0;
});

/** Starts the engine in its own process (node itself, so SIGKILL hits the engine) and waits until it runs. */
async function startEngineProcess(w: RolloutWorld): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, w.dataDir, w.stateDir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  engines.push(child);
  await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line");
  return child;
}

describe("control plane SIGKILLed mid-canary", () => {
  it("keeps the fleet serving, resumes the canary where it was, and never starts a second copy", async () => {
    const w = await worlds.open("kill");
    let engine = await startEngineProcess(w);
    const canary =
      "{canary: {steps: [{setWeight: 25}, {pause: {duration: 3s}}, {setWeight: 50}, {pause: {duration: 1s}}]}}";
    await deployFirstVersion(w, { router: await builtinRouter(w), strategy: canary });

    const load = new SteadyLoad(w.webUrl, 50);
    await w.apply(await buildRelease(w, { name: "v2", version: "2.0.0", strategy: canary }));
    const id = await w.startRun("v2", "dev");
    await w.waitForCheckpoint(id, "w0/rollout/web", (o) => /step 2\/4: paused until/.test(String(o.message)));
    const before = await w.instances();
    expect(before.map((i) => `${i.version}/${i.slot}`).sort()).toEqual([
      "1.0.0/stable",
      "1.0.0/stable",
      "2.0.0/canary",
      "2.0.0/canary",
    ]);

    engine.kill("SIGKILL");
    await once(engine, "exit");
    const servedWhileDown = load.byVersion["2.0.0"]?.ok ?? 0;
    await new Promise((r) => setTimeout(r, 1500));
    // Nothing runs the engine now, and the canary still gets its 25%.
    expect(load.byVersion["2.0.0"]?.ok ?? 0).toBeGreaterThan(servedWhileDown);

    engine = await startEngineProcess(w);
    const end = await w.waitForRun(id, ["Succeeded", "Failed"]);
    await load.stop();
    expect(end.run.phase, JSON.stringify(end.steps)).toBe("Succeeded");
    const after = await w.instances();
    // The canary instances started before the kill are the ones serving now: adopted, not restarted.
    const canaryPids = before.filter((i) => i.version === "2.0.0").map((i) => i.pid);
    expect(after.map((i) => `${i.version}/${i.slot}/${i.health}`)).toEqual([
      "2.0.0/canary/healthy",
      "2.0.0/canary/healthy",
    ]);
    expect(after.map((i) => i.pid).sort()).toEqual(canaryPids.sort());
    expect(load.failedOutside("none"), load.errors.join("\n")).toBe(0);
    const total = Object.values(load.byVersion).reduce((n, c) => n + c.ok, 0);
    console.log(
      `kill test: ${total} requests answered, ${load.unanswered} unanswered, by version ${JSON.stringify(load.byVersion)}`,
    );
    engine.kill("SIGTERM");
  }, 60_000);
});
