import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseVersion, weightedVersion } from "./choose-version.js";
import { emptyRouteConfig, type RouteConfig } from "./route-config.js";
import { withHeaderRoute, withUpstreams, withWeights } from "./route-config-change.js";

const base = withUpstreams(emptyRouteConfig("web", "127.0.0.1:8080", { cookie: "upshift_web" }), {
  v1: ["127.0.0.1:9001"],
  v2: ["127.0.0.1:9002"],
});
const request = (headers: Record<string, string> = {}, cookies: Record<string, string> = {}) => ({
  header: (name: string) => headers[name],
  cookies: new Map(Object.entries(cookies)),
});

describe("weightedVersion", () => {
  it("splits the unit interval in proportion to the weights", () => {
    const config = withWeights(base, { v1: 90, v2: 10 });
    expect(weightedVersion(config, 0)).toBe("v1");
    expect(weightedVersion(config, 0.8999)).toBe("v1");
    expect(weightedVersion(config, 0.9)).toBe("v2");
    expect(weightedVersion(config, 0.99999999)).toBe("v2");
  });

  it("never picks a version with weight 0, and picks each weighted version on its share of a grid", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), (w1, w2) => {
        const config = withWeights(base, { v1: w1, v2: w2 });
        const grid = Array.from({ length: 1000 }, (_, i) => weightedVersion(config, (i + 0.5) / 1000));
        if (w1 + w2 === 0) return grid.every((v) => v === null);
        const v2Share = grid.filter((v) => v === "v2").length / 1000;
        return Math.abs(v2Share - w2 / (w1 + w2)) <= 0.001 + 1e-9;
      }),
      { numRuns: 200 },
    );
  });
});

describe("chooseVersion", () => {
  const canary = withHeaderRoute(withWeights(base, { v1: 100 }), {
    kind: "header",
    name: "X-Canary",
    value: "always",
    version: "v2",
  });

  it("sends a tester to the routed version even at weight 0", () => {
    expect(chooseVersion(canary, request({ "x-canary": "always" }), 0.1)).toEqual({
      kind: "header-route",
      version: "v2",
    });
    expect(chooseVersion(canary, request({ "x-canary": "nope" }), 0.1)).toEqual({
      kind: "weighted",
      version: "v1",
    });
  });

  it("matches cookie routes by exact cookie name", () => {
    const byCookie = withHeaderRoute(canary, { kind: "cookie", name: "tester", value: "yes", version: "v2" });
    expect(chooseVersion(byCookie, request({}, { tester: "yes" }), 0.1).kind).toBe("header-route");
    expect(chooseVersion(byCookie, request({}, { Tester: "yes" }), 0.1).kind).toBe("weighted");
  });

  it("keeps a sticky client on its version while it has weight, and moves it when the weight goes", () => {
    const split: RouteConfig = withWeights(base, { v1: 50, v2: 50 });
    expect(chooseVersion(split, request({}, { upshift_web: "v2" }), 0.01)).toEqual({
      kind: "sticky",
      version: "v2",
    });
    const aborted = withWeights(split, { v1: 100 });
    expect(chooseVersion(aborted, request({}, { upshift_web: "v2" }), 0.99)).toEqual({
      kind: "weighted",
      version: "v1",
    });
    expect(chooseVersion(split, request({}, { upshift_web: "v9" }), 0.99)).toEqual({
      kind: "weighted",
      version: "v2",
    });
  });

  it("answers no-version when nothing has weight", () => {
    expect(chooseVersion(base, request(), 0.5)).toEqual({ kind: "no-version" });
  });
});
