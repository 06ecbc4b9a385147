import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NginxTrafficRouter } from "../../src/adapters/traffic/nginx/nginx-traffic-router.js";
import {
  freePorts,
  startVersionServer,
  tallyVersions,
  type VersionServer,
} from "./support/version-server.js";

const NGINX = "/usr/sbin/nginx";

let v1: VersionServer;
let v2: VersionServer;
let directory: string;
let router: NginxTrafficRouter;
let url: string;

beforeAll(async () => {
  [v1, v2] = await Promise.all([startVersionServer("v1"), startVersionServer("v2")]);
  directory = mkdtempSync(join(tmpdir(), "upshift-nginx-router-"));
  const [port, statusPort] = (await freePorts(2)) as [number, number];
  url = `http://127.0.0.1:${port}`;
  router = new NginxTrafficRouter({
    directory,
    binary: NGINX,
    services: { web: { listen: `127.0.0.1:${port}` } },
    statusListen: `127.0.0.1:${statusPort}`,
  });
  await router.setUpstreams("web", { v1: [v1.address], v2: [v2.address] });
});

afterAll(async () => {
  await router?.stop();
  await Promise.all([v1?.close(), v2?.close()]);
  rmSync(directory, { recursive: true, force: true });
});

describe.skipIf(!existsSync(NGINX) && !process.env.CI)("nginx router", () => {
  it("starts its own nginx that keeps every file in its directory", async () => {
    const observed = await router.observe("web");
    expect(observed.router.kind).toBe("nginx");
    expect(existsSync(join(directory, "nginx.pid"))).toBe(true);
    expect(readFileSync(join(directory, "nginx.conf"), "utf8")).toContain(`include ${router.routesFile};`);
  });

  it("splits about 10% to v2 at 90/10 with weighted upstream servers", async () => {
    const config = await router.setWeights("web", { v1: 90, v2: 10 });
    const text = readFileSync(router.routesFile, "utf8");
    expect(text).toContain(`server ${v1.address} weight=9; # v1`);
    expect(text).toContain(`server ${v2.address} weight=1; # v2`);
    const observed = await router.observe("web");
    expect(observed.config).toEqual(config);
    expect(observed.router.kind === "nginx" && observed.router.configDigest).toMatch(/^[0-9a-f]{32}$/);
    // nginx's smooth weighted round robin is deterministic: exactly 1 in 10 over whole cycles.
    const tally = await tallyVersions(`${url}/`, 500, {}, 1);
    expect(tally.get("v2")).toBe(50);
  });

  it("moves everything at 0/100, and repeating the call does not reload", async () => {
    await router.setWeights("web", { v1: 0, v2: 100 });
    const digest = (await router.observe("web")).router;
    const again = await router.setWeights("web", { v1: 0, v2: 100 });
    expect((await router.observe("web")).router).toEqual(digest);
    expect(again.weights).toEqual({ v2: 100 });
    expect(await tallyVersions(`${url}/`, 100)).toEqual(new Map([["v2", 100]]));
  });

  it("sends a tester to v2 through a map on the header, whatever the weights", async () => {
    await router.setWeights("web", { v1: 100 });
    await router.setHeaderRoute("web", { kind: "header", name: "X-Canary", value: "always", version: "v2" });
    expect(readFileSync(router.routesFile, "utf8")).toContain("map $http_x_canary $upshift_web_upstream {");
    expect(await tallyVersions(`${url}/`, 40, { "x-canary": "always" })).toEqual(new Map([["v2", 40]]));
    expect(await tallyVersions(`${url}/`, 40)).toEqual(new Map([["v1", 40]]));
    await router.setHeaderRoute("web", { kind: "cookie", name: "canary", value: "yes", version: "v2" });
    expect(await tallyVersions(`${url}/`, 20, { cookie: "canary=yes" })).toEqual(new Map([["v2", 20]]));
    await router.setHeaderRoute("web", null);
    expect(await tallyVersions(`${url}/`, 20, { "x-canary": "always" })).toEqual(new Map([["v1", 20]]));
  });

  it("refuses a configuration nginx -t rejects, with nginx's message, and keeps the old one serving", async () => {
    // v2 is rendered (as the tester route's upstream), so nginx resolves its servers.
    await router.setHeaderRoute("web", { kind: "header", name: "x-canary", value: "1", version: "v2" });
    const before = await router.observe("web");
    const routesBefore = readFileSync(router.routesFile, "utf8");
    await expect(
      router.setUpstreams("web", { v1: [v1.address], v2: ["no-such-host.invalid:80"] }),
    ).rejects.toThrow(/host not found in upstream "no-such-host.invalid:80"/);
    expect(readFileSync(router.routesFile, "utf8")).toBe(routesBefore);
    const after = await router.observe("web");
    expect(after.config).toEqual(before.config);
    expect(after.router).toEqual(before.router);
    expect(await tallyVersions(`${url}/`, 20)).toEqual(new Map([["v1", 20]]));
    expect(await tallyVersions(`${url}/`, 20, { "x-canary": "1" })).toEqual(new Map([["v2", 20]]));
    await router.setHeaderRoute("web", null);
  });

  it("counts requests and 5xx per version from its access log", async () => {
    await router.setWeights("web", { v2: 100 });
    const before = (await router.observe("web")).stats.v2;
    await tallyVersions(`${url}/fail`, 6);
    await tallyVersions(`${url}/`, 4);
    const after = (await router.observe("web")).stats.v2;
    expect(after?.requests).toBe((before?.requests ?? 0) + 10);
    expect(after?.responses["5xx"]).toBe((before?.responses["5xx"] ?? 0) + 6);
  });

  it("adopts the nginx already running instead of starting another", async () => {
    const pid = (await router.observe("web")).router.pid;
    expect(pid).toBeGreaterThan(0);
    expect(await router.ensureRunning()).toBe(pid);
  });
});

describe.skipIf(!existsSync(NGINX) && !process.env.CI)("nginx router, concurrent changes", () => {
  it("applies changes to two services made at the same time, one after the other", async () => {
    const dir = mkdtempSync(join(tmpdir(), "upshift-nginx-two-"));
    const [a, b, status] = (await freePorts(3)) as [number, number, number];
    const two = new NginxTrafficRouter({
      directory: dir,
      binary: NGINX,
      services: { api: { listen: `127.0.0.1:${a}` }, web: { listen: `127.0.0.1:${b}` } },
      statusListen: `127.0.0.1:${status}`,
    });
    try {
      await Promise.all([
        two.setUpstreams("api", { v1: [v1.address] }),
        two.setUpstreams("web", { v2: [v2.address] }),
      ]);
      await Promise.all([two.setWeights("api", { v1: 1 }), two.setWeights("web", { v2: 1 })]);
      expect(await tallyVersions(`http://127.0.0.1:${a}/`, 10)).toEqual(new Map([["v1", 10]]));
      expect(await tallyVersions(`http://127.0.0.1:${b}/`, 10)).toEqual(new Map([["v2", 10]]));
    } finally {
      await two.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
