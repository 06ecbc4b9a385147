import { describe, expect, it } from "vitest";
import { parseCookieHeader } from "./parse-cookie-header.js";
import { emptyRouteConfig } from "./route-config.js";
import { withHeaderRoute, withUpstreams, withWeights } from "./route-config-change.js";
import { parseUpstreamAddress } from "./upstream-address.js";
import { assertValidRouteConfig, routeConfigProblems } from "./validate-route-config.js";

const base = withUpstreams(emptyRouteConfig("web", "127.0.0.1:8080", null), { v1: ["127.0.0.1:9001"] });

describe("route changes", () => {
  it("move the revision only when routing changes, so repeated calls are no-ops", () => {
    const once = withWeights(base, { v1: 100 });
    expect(once.revision).toBe(base.revision + 1);
    expect(withWeights(once, { v1: 100 })).toBe(once);
    expect(withWeights(once, { v1: 100, v2: 0 })).toBe(once);
    expect(withUpstreams(once, { v1: ["127.0.0.1:9001"] })).toBe(once);
    expect(withHeaderRoute(once, null)).toBe(once);
  });
});

describe("routeConfigProblems", () => {
  it("accepts a valid route", () => {
    expect(routeConfigProblems(withWeights(base, { v1: 1 }))).toEqual([]);
  });

  it("names every problem in one pass", () => {
    const bad = withHeaderRoute(
      withWeights(withUpstreams(base, { v1: ["nohost", "127.0.0.1:70000"], "v 2": [] }), { v1: 1.5, v3: 10 }),
      {
        kind: "cookie",
        name: "has-dash",
        value: 'a"b',
        version: "v9",
      },
    );
    const paths = routeConfigProblems(bad).map((p) => p.path);
    expect(paths).toEqual([
      "upstreams.v1[0]",
      "upstreams.v1[1]",
      "upstreams.v 2",
      "upstreams.v 2",
      "weights.v1",
      "weights.v3",
      "headerRoute.name",
      "headerRoute.value",
      "headerRoute.version",
    ]);
    expect(() => assertValidRouteConfig(bad)).toThrow(
      /weights.v3: version v3 has weight 10 but no upstreams/,
    );
  });

  it("refuses names that would break an nginx config", () => {
    const injected = { ...base, service: "web;}" };
    expect(routeConfigProblems(injected).map((p) => p.path)).toEqual(["service"]);
    const header = withHeaderRoute(base, { kind: "header", name: "x-a", value: "1;}", version: "v1" });
    expect(routeConfigProblems(header).map((p) => p.path)).toEqual(["headerRoute.value"]);
  });
});

describe("parseUpstreamAddress", () => {
  it("reads host:port and bracketed IPv6, and refuses the rest", () => {
    expect(parseUpstreamAddress("127.0.0.1:80")).toEqual({ host: "127.0.0.1", port: 80 });
    expect(parseUpstreamAddress("[::1]:8080")).toEqual({ host: "::1", port: 8080 });
    expect(parseUpstreamAddress("api.local:443")).toEqual({ host: "api.local", port: 443 });
    for (const bad of ["127.0.0.1", ":80", "a b:80", "h:0", "h:65536", "h;x:80"])
      expect(parseUpstreamAddress(bad)).toBeNull();
  });
});

describe("parseCookieHeader", () => {
  it("reads pairs, unquotes values, and keeps the first of a repeated name", () => {
    const cookies = parseCookieHeader('a=1; b="two"; a=3; broken; =x; c=');
    expect([...cookies]).toEqual([
      ["a", "1"],
      ["b", "two"],
      ["c", ""],
    ]);
  });
});
