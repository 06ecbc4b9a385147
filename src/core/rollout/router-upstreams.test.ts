import { describe, expect, it } from "vitest";
import { emptyRouteConfig, type RouteConfig } from "../traffic/route-config.js";
import { routeConfigProblems } from "../traffic/validate-route-config.js";
import type { Instance } from "./driver-port.js";
import { routerUpstreams } from "./router-upstreams.js";

const instance = (version: string, slot: string, index: number, health: Instance["health"]): Instance => ({
  service: "web",
  environment: "dev",
  version,
  slot,
  index,
  health,
  endpoint: `127.0.0.1:${slot === "stable" ? 9000 + index : 9100 + index}`,
});

const config: RouteConfig = {
  ...emptyRouteConfig("web", "127.0.0.1:8080", null),
  upstreams: { "1.0.0": ["127.0.0.1:9000"], "2.0.0": ["127.0.0.1:9100"] },
  weights: { "1.0.0": 100 },
  headerRoute: { kind: "header", name: "X-Canary", value: "testers", version: "2.0.0" },
};

describe("routerUpstreams", () => {
  it("lists healthy instances by version, leaving out those about to stop", () => {
    const instances = [
      instance("1.0.0", "stable", 0, "healthy"),
      instance("1.0.0", "stable", 1, "starting"),
      instance("2.0.0", "canary", 0, "healthy"),
    ];
    expect(routerUpstreams(instances, { ...config, headerRoute: null })).toEqual({
      "1.0.0": ["127.0.0.1:9000"],
      "2.0.0": ["127.0.0.1:9100"],
    });
    expect(routerUpstreams(instances, { ...config, headerRoute: null }, (i) => i.slot === "canary")).toEqual({
      "1.0.0": ["127.0.0.1:9000"],
    });
  });

  it("keeps the upstreams of a header route's version when none of its instances is healthy, so the route stays valid", () => {
    // The canary takes no weight, only testers; its one instance stopped answering.
    const instances = [
      instance("1.0.0", "stable", 0, "healthy"),
      instance("2.0.0", "canary", 0, "unhealthy"),
    ];
    const wanted = routerUpstreams(instances, config);
    expect(wanted).toEqual({ "1.0.0": ["127.0.0.1:9000"], "2.0.0": ["127.0.0.1:9100"] });
    expect(routeConfigProblems({ ...config, upstreams: wanted })).toEqual([]);
    // Without a route to it, a version with no weight and no healthy instance is dropped.
    expect(routerUpstreams(instances, { ...config, headerRoute: null })).toEqual({
      "1.0.0": ["127.0.0.1:9000"],
    });
  });
});
