import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuiltinTrafficRouter } from "../../src/adapters/traffic/builtin/builtin-traffic-router.js";
import type { RouterPidRecord } from "../../src/adapters/traffic/builtin/router-files.js";
import { routerFiles } from "../../src/adapters/traffic/builtin/router-files.js";
import { readJsonFile } from "../../src/adapters/traffic/json-file.js";
import { freePort, startVersionServer, tallyVersions, type VersionServer } from "./support/version-server.js";

let v1: VersionServer;
let v2: VersionServer;
let stateDir: string;
let router: BuiltinTrafficRouter;
let url: string;

beforeAll(async () => {
  [v1, v2] = await Promise.all([startVersionServer("v1"), startVersionServer("v2")]);
  stateDir = mkdtempSync(join(tmpdir(), "upshift-builtin-router-"));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  router = new BuiltinTrafficRouter({
    stateDir,
    services: { web: { listen: `127.0.0.1:${port}`, sticky: true } },
  });
  await router.setUpstreams("web", { v1: [v1.address], v2: [v2.address] });
});

afterAll(async () => {
  await router?.stop("web");
  await Promise.all([v1?.close(), v2?.close()]);
  rmSync(stateDir, { recursive: true, force: true });
});

describe("builtin router: weights", () => {
  it("sends about 10% to v2 at 90/10 over 2,000 requests", async () => {
    await router.setWeights("web", { v1: 90, v2: 10 });
    const tally = await tallyVersions(`${url}/`, 2000);
    // Binomial(2000, 0.1): mean 200, sd 13.4; ±4.5 sd fails by chance about once in 150,000 runs.
    expect(tally.get("v2") ?? 0).toBeGreaterThan(140);
    expect(tally.get("v2") ?? 0).toBeLessThan(260);
    expect((tally.get("v1") ?? 0) + (tally.get("v2") ?? 0)).toBe(2000);
  });

  it("moves everything at 0/100, and repeating the call changes nothing", async () => {
    const first = await router.setWeights("web", { v1: 0, v2: 100 });
    const again = await router.setWeights("web", { v1: 0, v2: 100 });
    expect(again.revision).toBe(first.revision);
    expect(await tallyVersions(`${url}/`, 200)).toEqual(new Map([["v2", 200]]));
  });

  it("refuses weight on a version without upstreams and keeps the route in force", async () => {
    const before = (await router.observe("web")).config;
    await expect(router.setWeights("web", { v1: 50, v3: 50 })).rejects.toThrow(
      /v3 has weight 50 but no upstreams/,
    );
    expect((await router.observe("web")).config).toEqual(before);
  });
});

describe("builtin router: testers and sessions", () => {
  it("sends a tester with the header to v2 whatever the weights, others to v1", async () => {
    await router.setWeights("web", { v1: 100 });
    await router.setHeaderRoute("web", { kind: "header", name: "X-Canary", value: "always", version: "v2" });
    expect(await tallyVersions(`${url}/`, 50, { "x-canary": "always" })).toEqual(new Map([["v2", 50]]));
    expect(await tallyVersions(`${url}/`, 50, { "x-canary": "never" })).toEqual(new Map([["v1", 50]]));
  });

  it("routes by cookie too, and removing the route sends testers back to the weights", async () => {
    await router.setHeaderRoute("web", { kind: "cookie", name: "canary", value: "yes", version: "v2" });
    expect(await tallyVersions(`${url}/`, 30, { cookie: "a=1; canary=yes" })).toEqual(new Map([["v2", 30]]));
    await router.setHeaderRoute("web", null);
    expect(await tallyVersions(`${url}/`, 30, { cookie: "canary=yes" })).toEqual(new Map([["v1", 30]]));
  });

  it("keeps a client on its version with the sticky cookie, until that version loses its weight", async () => {
    await router.setWeights("web", { v1: 50, v2: 50 });
    const first = await fetch(`${url}/`);
    const version = await first.text();
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^upshift_web=${version};`));
    const pair = cookie.split(";")[0] as string;
    expect(await tallyVersions(`${url}/`, 60, { cookie: pair })).toEqual(new Map([[version, 60]]));
    const other = version === "v1" ? "v2" : "v1";
    await router.setWeights("web", { [other]: 100 });
    expect(await tallyVersions(`${url}/`, 10, { cookie: pair })).toEqual(new Map([[other, 10]]));
  });
});

describe("builtin router: metrics and retries", () => {
  it("counts requests and 5xx per version, in JSON and at /metrics", async () => {
    await router.setWeights("web", { v1: 100 });
    await router.setHeaderRoute("web", { kind: "header", name: "x-canary", value: "1", version: "v2" });
    const before = (await router.observe("web")).stats;
    await tallyVersions(`${url}/fail`, 7, { "x-canary": "1" });
    await tallyVersions(`${url}/`, 5, { "x-canary": "1" });
    await tallyVersions(`${url}/`, 11);
    const after = (await router.observe("web")).stats;
    const v2Before = before.v2?.responses;
    expect(after.v2?.responses["5xx"]).toBe((v2Before?.["5xx"] ?? 0) + 7);
    expect(after.v2?.requests).toBe((before.v2?.requests ?? 0) + 12);
    expect(after.v1?.requests).toBe((before.v1?.requests ?? 0) + 11);
    expect(after.v1?.responses["5xx"]).toBe(0);
    expect(after.v2?.latency.count).toBe(after.v2?.requests);
    const text = await router.metricsText("web");
    expect(text).toContain(
      `upshift_router_requests_total{service="web",version="v2",code="5xx"} ${after.v2?.responses["5xx"]}`,
    );
    expect(text).toContain(
      `upshift_router_request_duration_seconds_count{service="web",version="v1"} ${after.v1?.requests}`,
    );
    await router.setHeaderRoute("web", null);
  });

  it("retries idempotent requests on another upstream when one refuses connections", async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    await router.setUpstreams("web", { v1: [dead, v1.address], v2: [v2.address] });
    await router.setWeights("web", { v1: 100 });
    expect(await tallyVersions(`${url}/`, 40)).toEqual(new Map([["v1", 40]]));
    const stats = (await router.observe("web")).stats.v1;
    expect(stats?.retries).toBeGreaterThanOrEqual(20);
    // A POST is not replayed: it fails when the round-robin picks the dead upstream.
    const posts = await Promise.all(
      Array.from({ length: 6 }, () => fetch(`${url}/`, { method: "POST", body: "x" })),
    );
    expect(posts.map((r) => r.status).filter((s) => s === 502).length).toBe(3);
    const delivered = await Promise.all(posts.filter((r) => r.status === 200).map((r) => r.text()));
    expect(delivered).toEqual(["v1 got x", "v1 got x", "v1 got x"]);
    await router.setUpstreams("web", { v1: [v1.address], v2: [v2.address] });
  });
});

describe("builtin router: independent of the control plane", () => {
  it("keeps serving when its starter is SIGKILLed, and a new adapter adopts it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "upshift-router-owner-"));
    const port = await freePort();
    const helper = join(dirname(fileURLToPath(import.meta.url)), "support/start-router-and-wait.ts");
    const tsx = pathToFileURL(
      join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/loader.mjs"),
    );
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const owner = spawn(
      process.execPath,
      ["--import", tsx.href, helper, dir, `127.0.0.1:${port}`, v1.address],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env,
      },
    );
    const started = await new Promise<{ routerPid: number }>((resolve, reject) => {
      owner.stdout.once("data", (chunk: Buffer) => resolve(JSON.parse(chunk.toString())));
      owner.once("exit", (code) => reject(new Error(`owner exited ${code}`)));
    });
    const exited = new Promise((resolve) => owner.once("exit", resolve));
    owner.kill("SIGKILL");
    await exited;

    expect(await tallyVersions(`http://127.0.0.1:${port}/`, 50)).toEqual(new Map([["v1", 50]]));
    const successor = new BuiltinTrafficRouter({
      stateDir: dir,
      services: { web: { listen: `127.0.0.1:${port}` } },
    });
    try {
      const running = await successor.ensureRunning("web");
      expect(running.how).toBe("adopted");
      expect(running.record.pid).toBe(started.routerPid);
      expect((await successor.observe("web")).stats.v1?.requests).toBe(50);
      expect(readJsonFile<RouterPidRecord>(routerFiles(dir, "web").pidFile)?.pid).toBe(started.routerPid);
    } finally {
      await successor.stop("web");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("comes back with its persisted route after a restart", async () => {
    const before = (await router.observe("web")).config;
    await router.stop("web");
    const restarted = await router.ensureRunning("web");
    expect(restarted.how).toBe("started");
    expect((await router.observe("web")).config).toEqual(before);
    expect(await tallyVersions(`${url}/`, 10)).toEqual(new Map([["v1", 10]]));
  });
});

describe("builtin router: admin endpoint", () => {
  it("refuses a stale revision (409) and an invalid route (400), and keeps the route in force", async () => {
    const { config, router: instance } = await router.observe("web");
    const adminUrl = instance.kind === "builtin" ? instance.adminUrl : "";
    const put = (body: unknown) =>
      fetch(`${adminUrl}/config`, { method: "PUT", body: JSON.stringify(body) }).then((r) => r.status);
    expect(
      await put({
        config: { ...config, revision: config.revision + 1 },
        expectedRevision: config.revision - 1,
      }),
    ).toBe(409);
    const invalid = { ...config, weights: { v9: 10 }, revision: config.revision + 1 };
    expect(await put({ config: invalid, expectedRevision: config.revision })).toBe(400);
    expect(
      await put({ config: { ...config, listen: "127.0.0.1:1" }, expectedRevision: config.revision }),
    ).toBe(400);
    expect((await router.observe("web")).config).toEqual(config);
  });
});
