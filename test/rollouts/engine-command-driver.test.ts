import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { isAlive } from "../../src/adapters/drivers/process/process-liveness.js";
import {
  buildRelease,
  builtinRouter,
  ROLLOUT_STEP,
  type RolloutWorld,
  rolloutWorlds,
  SteadyLoad,
} from "./rollout-harness.js";

// Rollouts through the engine where the Environment's driver is `command`: the user's executables
// (here node and sh scripts, and ansible-playbook) deploy, observe and retire real processes.

const TOOL = new URL("./fixtures/command-tool/", import.meta.url).pathname;
const node = (action: string) => [process.execPath, join(TOOL, "tool.mjs"), action];

const worlds = rolloutWorlds();

/** Environment and Service documents: `web` on the command driver behind the builtin router. */
async function commandDocuments(
  w: RolloutWorld,
  o: {
    readonly deploy?: readonly string[];
    readonly timeoutMs?: number;
    readonly replicas?: number;
    readonly env?: Record<string, string>;
  } = {},
): Promise<string> {
  const settings = {
    commands: { deploy: o.deploy ?? node("deploy"), observe: node("observe"), retire: node("retire") },
    timeoutMs: o.timeoutMs ?? 30_000,
    env: { TOOL_HOME: join(w.dir, "tool"), ...o.env },
    replicas: o.replicas ?? 2,
  };
  return `apiVersion: upshift.dev/v1alpha1
kind: Environment
metadata: {name: dev}
spec:
  order: 0
  driver: {type: command, settings: ${JSON.stringify(settings)}}
  router: ${await builtinRouter(w)}
---
apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: {name: web}
spec: {version: 0.0.0}
`;
}

/** A world where 1.0.0 of web was deployed from nothing through the user's tool. */
async function worldAtV1(prefix: string, replicas = 2, env: Record<string, string> = {}) {
  const w = await worlds.start(prefix, { minRequests: 5 });
  await w.apply(
    (await commandDocuments(w, { replicas, env })) +
      (await buildRelease(w, { name: "v1", version: "1.0.0", strategy: "{canary: {steps: []}}" })),
  );
  const first = await w.waitForRun(await w.startRun("v1", "dev"), ["Succeeded", "Failed"]);
  expect(first.run.phase, JSON.stringify(first.steps)).toBe("Succeeded");
  return w;
}

const HALF = "{canary: {steps: [{setWeight: 50}]}}";

/** The `rollout.driver` events of a run: one per driver action, with its log. */
async function driverEvents(w: RolloutWorld, runId: string) {
  return (await w.store.runs.events(runId))
    .filter((e) => e.type === "rollout.driver")
    .map(
      (e) =>
        e.data as {
          action: string;
          kind: string;
          driver: string;
          ok: boolean;
          code?: string;
          error?: string;
          log: string[];
        },
    );
}

/** The tool's instance records: what it started, by slot. */
async function toolRecords(w: RolloutWorld) {
  const dir = join(w.dir, "tool", "instances");
  const files = (await readdir(dir)).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(
    files.map(
      async (f) =>
        JSON.parse(await readFile(join(dir, f), "utf8")) as {
          version: string;
          slot: string;
          pid: number;
          by?: string;
        },
    ),
  );
}

const version = async (url: string) => ((await (await fetch(url)).json()) as { version: string }).version;

describe("rollouts through the engine with the command driver", () => {
  it("canaries real processes through the user's scripts, with their stderr and exit codes in the run's events", async () => {
    // The tool answers before its instances are healthy: the engine must wait for them by observing.
    const w = await worldAtV1("command", 2, { TOOL_NO_WAIT: "1" });
    const url = w.webUrl;
    expect(await version(url)).toBe("1.0.0");
    const v1 = await toolRecords(w);
    expect(v1.map((r) => `${r.version}/${r.slot}`)).toEqual(["1.0.0/stable", "1.0.0/stable"]);

    const load = new SteadyLoad(url, 40);
    const strategy =
      "{canary: {steps: [{setHeaderRoute: {header: X-Canary, value: testers}}, {pause: {}}, {setWeight: 50}, {pause: {duration: 1s}}]}}";
    await w.apply(await buildRelease(w, { name: "v2", version: "2.0.0", strategy }));
    const id = await w.startRun("v2", "dev");
    await w.waitForStep(id, ROLLOUT_STEP, "waiting", /step 2\/4: paused until promoted/);
    const tester = await fetch(url, { headers: { "x-canary": "testers" } });
    expect(await tester.json()).toMatchObject({ version: "2.0.0", slot: "canary" });
    expect(await version(url)).toBe("1.0.0");
    await w.promote(id, "alice");
    const end = await w.waitForRun(id, ["Succeeded", "Failed"]);
    await load.stop();
    expect(end.run.phase, JSON.stringify(end.steps)).toBe("Succeeded");
    expect(load.failedOutside("none"), load.errors.join("\n")).toBe(0);
    expect(load.byVersion["1.0.0"]?.ok ?? 0).toBeGreaterThan(0);
    expect(load.byVersion["2.0.0"]?.ok ?? 0).toBeGreaterThan(0);
    expect(await version(url)).toBe("2.0.0");
    // The tool retired the old processes: only 2.0.0 runs, in the canary slot.
    expect((await toolRecords(w)).map((r) => `${r.version}/${r.slot}`)).toEqual([
      "2.0.0/canary",
      "2.0.0/canary",
    ]);
    for (const r of v1) expect(isAlive(r.pid), `1.0.0 pid ${r.pid}`).toBe(false);

    // Every driver action's argv, stderr and exit code are in the run's events.
    const events = await driverEvents(w, id);
    // Deploy is asked again (a no-op) while its instances start, then the old stable is retired.
    expect([...new Set(events.map((e) => `${e.action}:${e.ok}`))]).toEqual([
      "deploy-canary:true",
      "retire-stable:true",
    ]);
    const deploy = events[0];
    const retire = events.at(-1);
    expect(deploy?.driver).toBe("command");
    expect(deploy?.log[0]).toBe(`$ ${JSON.stringify(node("deploy"))}`);
    expect(
      deploy?.log.filter((l) =>
        /^stderr: started web 2\.0\.0 canary\/\d pid \d+ on 127\.0\.0\.1:\d+$/.test(l),
      ),
    ).toHaveLength(2);
    expect(deploy?.log).toContain("canary runs 2 x web 2.0.0");
    expect(deploy?.log.some((l) => /^exit 0 after \d+ ms$/.test(l))).toBe(true);
    expect(
      retire?.log.filter((l) => /^stderr: stopped 1\.0\.0 stable\/\d \(pid \d+\)$/.test(l)),
    ).toHaveLength(2);
  }, 60_000);

  it("fails the step with a failing deploy script's exit code and stderr, and a hung one at its timeout; stable keeps serving", async () => {
    const w = await worldAtV1("command-fail");
    const url = w.webUrl;
    const load = new SteadyLoad(url, 30);

    // The team's deploy script breaks: the canary fails at its deploy and traffic stays on 1.0.0.
    await w.apply(
      (await commandDocuments(w, { deploy: ["sh", join(TOOL, "fail-deploy.sh")] })) +
        (await buildRelease(w, { name: "v2", version: "2.0.0", strategy: HALF })),
    );
    const failed = await w.waitForRun(await w.startRun("v2", "dev"), ["Succeeded", "Failed"]);
    expect(failed.run.phase).toBe("Failed");
    const argv = JSON.stringify(["sh", join(TOOL, "fail-deploy.sh")]);
    expect(failed.steps.find((s) => s.key === ROLLOUT_STEP)?.message).toBe(
      `rolled back: aborted (canary deploy failed: deploy command ${argv} exited with code 3: ERROR: disk quota exceeded on /srv/web); 1.0.0 serves all traffic`,
    );
    const [deployFailure] = (await driverEvents(w, failed.run.id)).filter(
      (e) => e.action === "deploy-canary",
    );
    expect(deployFailure).toMatchObject({ ok: false, code: "driver-command-failed", driver: "command" });
    expect(deployFailure?.log).toEqual([
      `$ ${argv}`,
      "stderr: rendering configuration",
      "stderr: ERROR: disk quota exceeded on /srv/web",
      expect.stringMatching(/^exit 3 after \d+ ms$/),
    ]);
    expect(await version(url)).toBe("1.0.0");
    // The failed run holds web until it is rolled back; nothing of 2.0.0 runs, so that is quick.
    await w.store.runs.signal(failed.run.id, { kind: "abort", by: "alice" }, Date.now());
    const reverted = await w.waitForRun(failed.run.id, ["RolledBack", "Failed"]);
    expect(reverted.run.phase, JSON.stringify(reverted.steps)).toBe("RolledBack");

    // A deploy that hangs is ended at the Environment's timeout, with the helper it started.
    await w.apply(
      (await commandDocuments(w, { deploy: ["sh", join(TOOL, "hang-deploy.sh")], timeoutMs: 1500 })) +
        (await buildRelease(w, { name: "v3", version: "3.0.0", strategy: HALF })),
    );
    const started = Date.now();
    const hung = await w.waitForRun(await w.startRun("v3", "dev"), ["Succeeded", "Failed"]);
    const seconds = (Date.now() - started) / 1000;
    await load.stop();
    expect(hung.run.phase).toBe("Failed");
    const hangArgv = JSON.stringify(["sh", join(TOOL, "hang-deploy.sh")]);
    expect(hung.steps.find((s) => s.key === ROLLOUT_STEP)?.message).toBe(
      `rolled back: aborted (canary deploy failed: ${hangArgv} did not finish within 1500 ms); 1.0.0 serves all traffic`,
    );
    console.log(`hung deploy script: run failed ${seconds.toFixed(2)} s after it started (timeout 1.5 s)`);
    expect(seconds).toBeLessThan(15);
    const [timedOut] = (await driverEvents(w, hung.run.id)).filter((e) => e.action === "deploy-canary");
    expect(timedOut).toMatchObject({ ok: false, code: "driver-timeout" });
    expect(timedOut?.log).toEqual([
      `$ ${hangArgv}`,
      "stderr: waiting for the package mirror",
      expect.stringMatching(/^timed out after \d+ ms; process group killed$/),
    ]);
    const helper = Number(await readFile(join(w.dir, "tool", "hang-helper.pid"), "utf8"));
    await sleep(200);
    expect(isAlive(helper), `helper pid ${helper}`).toBe(false);

    expect(await version(url)).toBe("1.0.0");
    expect((await toolRecords(w)).map((r) => `${r.version}/${r.slot}`)).toEqual([
      "1.0.0/stable",
      "1.0.0/stable",
    ]);
    expect(load.failedOutside("none"), load.errors.join("\n")).toBe(0);
    expect(Object.keys(load.byVersion)).toEqual(["1.0.0"]);
  }, 60_000);

  // ansible-playbook comes from Debian's `ansible` package, on this machine and in CI. Each of its
  // tasks runs a Python module: seconds apiece on a loaded machine, hence the generous bounds.
  it("canaries a version that an ansible-playbook against localhost deploys", async () => {
    const w = await worldAtV1("command-ansible", 1);
    const url = w.webUrl;
    const deploy = ["sh", join(TOOL, "ansible", "ansible-deploy.sh")];
    const env = { NODE: process.execPath, PORTS_JSON: JSON.stringify({ canary: [await w.port("canary")] }) };
    await w.apply(
      (await commandDocuments(w, { deploy, env, replicas: 1, timeoutMs: 150_000 })) +
        (await buildRelease(w, { name: "v2", version: "2.0.0", strategy: HALF })),
    );
    const started = Date.now();
    const end = await w.waitForRun(await w.startRun("v2", "dev"), ["Succeeded", "Failed"], 170_000);
    console.log(`canary deployed by ansible-playbook: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(end.run.phase, JSON.stringify(end.steps)).toBe("Succeeded");
    expect(await version(url)).toBe("2.0.0");
    // The process serving 2.0.0 is the one the playbook started, on the port it was given.
    const [record] = await toolRecords(w);
    expect(record).toMatchObject({ version: "2.0.0", slot: "canary", by: "ansible", port: w.ports.canary });
    expect(isAlive(record?.pid ?? 0)).toBe(true);
    const [deployed] = (await driverEvents(w, end.run.id)).filter((e) => e.action === "deploy-canary");
    expect(deployed).toMatchObject({ ok: true, driver: "command" });
    expect(deployed?.log[0]).toBe(`$ ${JSON.stringify(deploy)}`);
    expect(
      deployed?.log.some((l) =>
        l.startsWith("stderr: TASK [start the instances, each in its own session] **"),
      ),
    ).toBe(true);
    expect(deployed?.log.some((l) => /^stderr: localhost +: ok=4 +changed=3 .*failed=0/.test(l))).toBe(true);
    expect(deployed?.log).toContain("ansible started 1 x web 2.0.0 in canary");
    expect(deployed?.log.some((l) => /^exit 0 after \d+ ms$/.test(l))).toBe(true);
  }, 180_000);
});
