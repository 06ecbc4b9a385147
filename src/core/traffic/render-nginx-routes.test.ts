import { describe, expect, it } from "vitest";
import { parseNginxAccessLog } from "./nginx-access-log.js";
import { nginxServerWeights } from "./nginx-server-weights.js";
import { renderNginxMainConfig } from "./render-nginx-main-config.js";
import { renderNginxRoutes } from "./render-nginx-routes.js";
import { emptyRouteConfig } from "./route-config.js";
import { withHeaderRoute, withUpstreams, withWeights } from "./route-config-change.js";

const web = withUpstreams(emptyRouteConfig("web-shop", "127.0.0.1:8080", null), {
  v1: ["10.0.0.1:80", "10.0.0.2:80"],
  v2: ["10.0.0.3:80", "10.0.0.4:80", "10.0.0.5:80"],
});
const settings = { statusListen: "127.0.0.1:9999", accessLogFor: (s: string) => `/var/log/${s}.log` };

describe("nginxServerWeights", () => {
  it("keeps each version's share when its servers differ in number", () => {
    const servers = nginxServerWeights(withWeights(web, { v1: 90, v2: 10 }));
    // v1: 90 split over 2, v2: 10 split over 3; scaled by lcm 6 → 270, 270, 20, 20, 20; gcd 10.
    expect(servers.map((s) => s.weight)).toEqual([27, 27, 2, 2, 2]);
    const share = (v: string) => servers.filter((s) => s.version === v).reduce((t, s) => t + s.weight, 0);
    expect(share("v1") / (share("v1") + share("v2"))).toBeCloseTo(0.9, 10);
  });

  it("leaves versions with weight 0 out (nginx refuses weight=0)", () => {
    expect(nginxServerWeights(withWeights(web, { v1: 0, v2: 100 })).map((s) => s.version)).toEqual([
      "v2",
      "v2",
      "v2",
    ]);
    expect(nginxServerWeights(web)).toEqual([]);
  });
});

describe("renderNginxRoutes", () => {
  it("renders the weighted upstream, the tester's upstream and the map that picks between them", () => {
    const config = withHeaderRoute(withWeights(web, { v1: 100 }), {
      kind: "header",
      name: "X-Canary",
      value: "always",
      version: "v2",
    });
    const { text, digest } = renderNginxRoutes([config], settings);
    expect(text).toContain("upstream upshift_web_shop__weighted {\n    server 10.0.0.1:80 weight=1; # v1");
    expect(text).toContain("upstream upshift_web_shop__1 { # v2");
    expect(text).toContain(
      'map $http_x_canary $upshift_web_shop_upstream {\n    default upshift_web_shop__weighted;\n    "always" upshift_web_shop__1;',
    );
    expect(text).toContain("proxy_pass http://$upshift_web_shop_upstream;");
    expect(text).toContain("access_log /var/log/web-shop.log upshift_router;");
    expect(text).toContain(`return 200 "${digest}";`);
  });

  it("answers 503 when no version has weight, and reads cookies for cookie routes", () => {
    const config = withHeaderRoute(web, { kind: "cookie", name: "tester", value: "1", version: "v1" });
    const { text } = renderNginxRoutes([config], settings);
    expect(text).not.toContain("__weighted");
    expect(text).toContain('map $cookie_tester $upshift_web_shop_upstream {\n    default "";');
    expect(text).toContain('if ($upshift_web_shop_upstream = "") { return 503; }');
  });

  it("gives a different digest to different routes and the same to the same routes in any order", () => {
    const other = withUpstreams(emptyRouteConfig("api", "127.0.0.1:8081", null), { v1: ["10.0.1.1:80"] });
    const a = renderNginxRoutes([web, other], settings);
    expect(renderNginxRoutes([other, web], settings).digest).toBe(a.digest);
    expect(renderNginxRoutes([withWeights(web, { v1: 1 }), other], settings).digest).not.toBe(a.digest);
  });
});

describe("renderNginxMainConfig", () => {
  it("keeps pid, error log and temp paths in its directory", () => {
    const text = renderNginxMainConfig({
      directory: "/srv/r",
      routesFile: "/srv/r/routes.conf",
      user: null,
      workerProcesses: 2,
    });
    expect(text).toContain("pid /srv/r/nginx.pid;");
    expect(text).toContain("error_log /srv/r/error.log notice;");
    expect(text).toContain("proxy_temp_path /srv/r/temp/proxy;");
    expect(text).not.toContain("user ");
  });
});

describe("parseNginxAccessLog", () => {
  it("attributes each request to the version of the last server tried, and counts the earlier ones as failures", () => {
    const log = [
      "1700000000.000 200 0.002 10.0.0.1:80",
      "1700000000.100 500 0.010 10.0.0.3:80",
      "1700000000.200 200 0.004 10.0.0.9:80, 10.0.0.2:80",
      "1700000000.300 503 0.000 -",
      "",
    ].join("\n");
    const stats = parseNginxAccessLog(log, web);
    expect(stats.v1?.requests).toBe(2);
    expect(stats.v1?.upstreamFailures).toBe(1);
    expect(stats.v2?.responses["5xx"]).toBe(1);
    expect(stats.v2?.latency.sumSeconds).toBeCloseTo(0.01, 10);
    expect(Object.keys(stats)).toEqual(["v1", "v2"]);
  });
});
