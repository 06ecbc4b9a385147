import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/server/app.js";
import { buildArtifact, rolloutWorlds, SteadyLoad } from "./rollout-harness.js";

const worlds = rolloutWorlds();

const service = (name: string) => `---
apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: {name: ${name}}
spec:
  version: 0.0.0
  probes: {readiness: {http: {path: /healthz}, period: 100ms, failureThreshold: 50}}
`;
const change = (name: string, version: string, a: { path: string; digest: string }, strategy: string) => `
    - service: ${name}
      version: ${version}
      artifact: {uri: ${JSON.stringify(a.path)}, digest: ${JSON.stringify(a.digest)}}
      strategy: ${strategy}`;
const release = (name: string, changes: string) => `---
apiVersion: upshift.dev/v1alpha1
kind: Release
metadata: {name: ${name}}
spec:
  environments: [dev]
  changes:${changes}
`;

describe("a release of two services through the engine", () => {
  it("completes the healthy service while the faulty one rolls back on its own, and reports both", async () => {
    const w = await worlds.start("fleet", { minRequests: 5 });
    const [web, orders] = [await w.port("web"), await w.port("orders")];
    await w.apply(`apiVersion: upshift.dev/v1alpha1
kind: Environment
metadata: {name: dev}
spec:
  order: 0
  driver: {type: process, settings: {start: [${JSON.stringify(process.execPath)}, server.mjs], replicas: 1, graceMs: 2000}}
  router: {type: builtin, settings: {services: {web: {listen: "127.0.0.1:${web}"}, orders: {listen: "127.0.0.1:${orders}"}}}}
${service("web")}${service("orders")}`);
    const a = {
      web1: await buildArtifact(w.dir, "web-1"),
      web2: await buildArtifact(w.dir, "web-2"),
      orders1: await buildArtifact(w.dir, "orders-1"),
      orders2: await buildArtifact(w.dir, "orders-2", { errorRate: 0.4 }),
    };
    const canary = "{canary: {steps: [{setWeight: 30}, {analysis: {interval: 2s, count: 2}}]}}";
    await w.apply(
      release("v1", change("web", "1.0.0", a.web1, canary) + change("orders", "1.0.0", a.orders1, canary)),
    );
    const first = await w.waitForRun(await w.startRun("v1", "dev"), ["Succeeded", "Failed"]);
    expect(first.run.phase, JSON.stringify(first.steps)).toBe("Succeeded");

    const loads = {
      web: new SteadyLoad(`http://127.0.0.1:${web}/`, 30),
      orders: new SteadyLoad(`http://127.0.0.1:${orders}/`, 30),
    };
    await w.apply(
      release("v2", change("web", "2.0.0", a.web2, canary) + change("orders", "2.0.0", a.orders2, canary)),
    );
    const id = await w.startRun("v2", "dev");
    const app = await buildApp({ store: w.store });
    const token = (await w.store.tokens.create("viewer", "viewer", new Date())).token;
    const headers = { authorization: `Bearer ${token}` };
    // While a rollout step runs or waits, the run's status shows its progress.
    let live: string | null = null;
    for (let i = 0; i < 100 && live === null; i++) {
      const steps = (await app.inject({ method: "GET", url: `/v1/runs/${id}`, headers })).json().steps as {
        id: string;
        state: string;
        message: string | null;
      }[];
      const webStep = steps.find((s) => s.id === "w0/rollout/web");
      if (webStep?.message && /step \d\/2/.test(webStep.message)) live = webStep.message;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(live).toMatch(/step \d\/2: (canary weight 30%|analysis running)/);
    await w.waitForRun(id, ["Succeeded", "Failed"]);
    // The run is Failed as soon as orders fails; web's canary, already under way, still finishes.
    await w.waitForStep(id, "w0/rollout/web", "succeeded");
    const end = await w.waitForRun(id, ["Failed"]);
    await Promise.all([loads.web.stop(), loads.orders.stop()]);
    expect(end.run.phase).toBe("Failed");
    const state = Object.fromEntries(end.steps.map((s) => [s.key, s.state]));
    expect(state, JSON.stringify(end.steps.map((s) => [s.key, s.state, s.message]))).toMatchObject({
      "w0/rollout/web": "succeeded",
      "w0/rollout/orders": "failed",
    });
    expect(loads.web.failedOutside("none"), loads.web.errors.join("\n")).toBe(0);
    expect(loads.orders.failedOutside("2.0.0"), loads.orders.errors.join("\n")).toBe(0);
    expect(await (await fetch(`http://127.0.0.1:${web}/`)).json()).toMatchObject({ version: "2.0.0" });
    expect(await (await fetch(`http://127.0.0.1:${orders}/`)).json()).toMatchObject({ version: "1.0.0" });

    const res = await app.inject({
      method: "GET",
      url: `/v1/runs/${id}/rollouts`,
      headers,
    });
    await app.close();
    const items = res.json().items as {
      service: string;
      stage: string;
      abortStartedAt?: string;
      finishedAt?: string;
    }[];
    const byService = Object.fromEntries(items.map((i) => [i.service, i]));
    expect(byService.web).toMatchObject({
      mode: "strategy",
      strategy: "canary",
      stage: "completed",
      phase: "Healthy",
    });
    expect(byService.orders).toMatchObject({
      stage: "aborted",
      phase: "Degraded",
      verdicts: { "step-1-analysis": "failure" },
    });
    expect(Date.parse(byService.orders?.finishedAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(byService.orders?.abortStartedAt ?? ""),
    );
  }, 60_000);
});
