import { describe, expect, it } from "vitest";
import type { TrafficRouter } from "../../src/core/traffic/traffic-router.js";
import { rolloutTargetsFromDocuments } from "../../src/server/rollout-targets-from-documents.js";
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

// Testers reach a canary that takes no weighted traffic by a header or a cookie (Argo Rollouts'
// setHeaderRoute, Flagger's cookie match), through the engine, against real processes behind the
// builtin router and behind nginx's map.

const worlds = rolloutWorlds();

/** Versions that answered `n` requests, counted (each request on its own connection). */
async function versionsOf(url: string, n: number, headers: Record<string, string> = {}) {
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await fetch(url, { headers: { ...headers, connection: "close" } });
    const { version } = (await res.json()) as { version: string };
    expect(res.status).toBe(200);
    seen[version] = (seen[version] ?? 0) + 1;
  }
  return seen;
}

/** Polls until `test` holds for what `n` requests see (a reload or a step may be on its way). */
async function eventually(
  what: string,
  sample: () => Promise<Record<string, number>>,
  test: (seen: Record<string, number>) => boolean,
  timeoutMs = 10_000,
) {
  const deadline = Date.now() + timeoutMs;
  let seen = await sample();
  while (!test(seen)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 100));
    seen = await sample();
  }
  return seen;
}

const TESTER = { "x-canary": "testers" };
const COOKIE_TESTER = { cookie: "theme=dark; beta=testers" };
const steps = (route: string) =>
  `{canary: {steps: [{setHeaderRoute: ${route}}, {pause: {}}, {setWeight: 50}, {pause: {}}]}}`;

type RouterCase = {
  readonly name: string;
  readonly skip: boolean;
  /** The Environment's `router:` document. */
  readonly document: (w: RolloutWorld) => Promise<string>;
};

const routers: RouterCase[] = [
  { name: "builtin", skip: false, document: builtinRouter },
  { name: "nginx", skip: !NGINX_INSTALLED, document: nginxRouter },
];

describe.each(routers)("canary setHeaderRoute through the engine ($name router)", (router) => {
  it.skipIf(router.skip)(
    "sends testers (header, then cookie) to the canary at weight 0, keeps the route while weight moves, clears it on promotion; abort returns all to stable",
    async () => {
      const w = await worlds.start(`header-${router.name}`, { minRequests: 5 });
      await deployFirstVersion(w, { router: await router.document(w), strategy: "{canary: {steps: []}}" });
      const url = w.webUrl;
      const routeOf = async () => {
        const targets = rolloutTargetsFromDocuments(w.store, { stateDir: w.stateDir });
        const r = (await targets.routerFor("dev")) as TrafficRouter;
        return (await r.observe("web")).config;
      };
      // Requests without the header must never fail, whatever the steps do.
      const load = new SteadyLoad(url, 30);

      const headerRoute = steps("{header: X-Canary, value: testers}");
      await w.apply(await buildRelease(w, { name: "v2", version: "2.0.0", strategy: headerRoute }));
      const id = await w.startRun("v2", "dev");
      await w.waitForStep(id, ROLLOUT_STEP, "waiting", /step 2\/4: paused until promoted/);
      // Paused at weight 0 behind the header route: testers get 2.0.0, everyone else 1.0.0.
      expect(await versionsOf(url, 10, TESTER)).toEqual({ "2.0.0": 10 });
      expect(await versionsOf(url, 20)).toEqual({ "1.0.0": 20 });
      expect(await versionsOf(url, 5, { "x-canary": "other" })).toEqual({ "1.0.0": 5 });
      const paused = await routeOf();
      expect(paused.weights).toEqual({ "1.0.0": 100 });
      expect(paused.headerRoute).toEqual({
        kind: "header",
        name: "X-Canary",
        value: "testers",
        version: "2.0.0",
      });

      // Promoted past the pause: weight moves to 50%, testers still land on the canary.
      await w.promote(id, "alice");
      await w.waitForStep(id, ROLLOUT_STEP, "waiting", /step 4\/4: paused until promoted/);
      expect((await routeOf()).weights).toEqual({ "1.0.0": 50, "2.0.0": 50 });
      expect(await versionsOf(url, 10, TESTER)).toEqual({ "2.0.0": 10 });
      const split = await versionsOf(url, 40);
      expect(Object.keys(split).sort()).toEqual(["1.0.0", "2.0.0"]);

      // Fully promoted: the header route is gone and 2.0.0 serves everyone.
      await w.promote(id, "alice");
      const done = await w.waitForRun(id, ["Succeeded", "Failed"]);
      expect(done.run.phase, JSON.stringify(done.steps)).toBe("Succeeded");
      const promoted = await routeOf();
      expect(promoted.headerRoute).toBeNull();
      expect(promoted.weights).toEqual({ "2.0.0": 100 });
      expect(Object.keys(promoted.upstreams)).toEqual(["2.0.0"]);
      expect(await versionsOf(url, 5, TESTER)).toEqual({ "2.0.0": 5 });
      expect(await versionsOf(url, 5)).toEqual({ "2.0.0": 5 });

      // 3.0.0 for testers by cookie, then aborted while they use it: everything returns to 2.0.0.
      const cookieRoute = steps("{cookie: beta, value: testers}");
      await w.apply(await buildRelease(w, { name: "v3", version: "3.0.0", strategy: cookieRoute }));
      const third = await w.startRun("v3", "dev");
      await w.waitForStep(third, ROLLOUT_STEP, "waiting", /step 2\/4: paused until promoted/);
      expect(await versionsOf(url, 5, COOKIE_TESTER)).toEqual({ "3.0.0": 5 });
      expect(await versionsOf(url, 5, { cookie: "beta=other" })).toEqual({ "2.0.0": 5 });
      expect(await versionsOf(url, 5, TESTER)).toEqual({ "2.0.0": 5 });
      expect((await routeOf()).headerRoute).toEqual({
        kind: "cookie",
        name: "beta",
        value: "testers",
        version: "3.0.0",
      });
      const abortedAt = Date.now();
      await w.store.runs.signal(
        third,
        { kind: "abort", by: "alice", reason: "testers found a bug" },
        abortedAt,
      );
      await eventually(
        "testers after the abort",
        () => versionsOf(url, 3, COOKIE_TESTER),
        (seen) => seen["2.0.0"] === 3,
      );
      const back = (Date.now() - abortedAt) / 1000;
      const end = await w.waitForRun(third, ["RolledBack", "Failed", "Aborted"]);
      await load.stop();
      expect(end.run.phase, JSON.stringify(end.steps)).toBe("RolledBack");
      console.log(`${router.name}: abort signal to testers back on 2.0.0: ${back.toFixed(2)} s`);
      expect(back).toBeLessThan(10);
      const restored = await routeOf();
      expect(restored.headerRoute).toBeNull();
      expect(restored.weights).toEqual({ "2.0.0": 100 });
      expect(Object.keys(restored.upstreams)).toEqual(["2.0.0"]);
      const instances = await w.instances();
      expect(instances.map((i) => `${i.version}/${i.slot}`)).toEqual(["2.0.0/canary", "2.0.0/canary"]);
      expect(await versionsOf(url, 5, COOKIE_TESTER)).toEqual({ "2.0.0": 5 });

      // Nobody without the header ever saw a canary, nor a failed request.
      expect(load.failedOutside("none"), load.errors.join("\n")).toBe(0);
      expect(load.byVersion["3.0.0"]).toBeUndefined();
      expect(load.byVersion["1.0.0"]?.ok ?? 0).toBeGreaterThan(0);
      expect(load.byVersion["2.0.0"]?.ok ?? 0).toBeGreaterThan(0);
    },
    90_000,
  );
});
