import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandProvider } from "../../src/adapters/metrics/command/command-provider.js";
import { httpProvider } from "../../src/adapters/metrics/http/http-provider.js";
import { analysisMetricSpec } from "../../src/core/analysis/analysis-metric-spec.js";
import { metricResultOf } from "../../src/core/analysis/analysis-state.js";
import { driveAnalysis } from "./drive-analysis.js";
import { json, type LocalServer, serve } from "./local-services.js";

describe("analysis driven by real providers", () => {
  let service: LocalServer;
  let successRate = 0.9;
  let requests: string[] = [];

  beforeAll(async () => {
    service = await serve((req, res) => {
      requests.push(req.url ?? "");
      const url = new URL(req.url ?? "/", "http://svc");
      if (url.pathname === "/stats")
        return json(res, 200, { versions: { [url.searchParams.get("v") ?? ""]: { successRate } } });
      json(res, 503, { error: "unavailable" });
    });
  });

  afterAll(() => service.close());

  const metric = (overrides = {}) =>
    analysisMetricSpec({
      name: "success-rate",
      intervalMs: 60_000,
      count: 5,
      successCondition: "result >= 0.95",
      failureCondition: "result < 0.8",
      ...overrides,
    });

  it("turns Inconclusive when the value lies between the conditions, and stops measuring", async () => {
    requests = [];
    successRate = 0.9;
    const provider = httpProvider({
      url: `${service.url}/stats?v={{args.version}}`,
      jsonPath: "$.versions['2.0 beta'].successRate",
    });
    const state = await driveAnalysis([metric()], { "success-rate": provider }, { version: "2.0 beta" });
    expect(state.phase).toBe("Inconclusive");
    expect(state.message).toBe(
      'metric "success-rate" assessed Inconclusive: inconclusive (1) > inconclusiveLimit (0)',
    );
    expect(requests).toEqual(["/stats?v=2.0%20beta"]);
  });

  it("succeeds after count measurements when the value is good, and fails when it is bad", async () => {
    const provider = httpProvider({
      url: `${service.url}/stats?v={{args.version}}`,
      jsonPath: "$.versions.v2.successRate",
    });
    successRate = 0.99;
    const good = await driveAnalysis([metric()], { "success-rate": provider }, { version: "v2" });
    expect(good.phase).toBe("Successful");
    expect(metricResultOf(good, "success-rate").count).toBe(5);
    successRate = 0.5;
    const bad = await driveAnalysis(
      [metric({ failureLimit: 1 })],
      { "success-rate": provider },
      { version: "v2" },
    );
    expect(bad.phase).toBe("Failed");
    expect(metricResultOf(bad, "success-rate").measurements.map((m) => m.value)).toEqual([0.5, 0.5]);
  });

  it("ends in Error after consecutiveErrorLimit + 1 failed measurements of an unavailable endpoint", async () => {
    const provider = httpProvider({ url: `${service.url}/down`, jsonPath: "$.x" });
    const state = await driveAnalysis([metric()], { "success-rate": provider }, {});
    expect(state.phase).toBe("Error");
    expect(metricResultOf(state, "success-rate")).toMatchObject({ error: 5, consecutiveError: 5, count: 0 });
    expect(metricResultOf(state, "success-rate").measurements[0]?.message).toMatch(/answered 503/);
  });

  it("measures a command's JSON output, and reports timeouts and failures as Errors", async () => {
    const node = process.execPath;
    const p95 = commandProvider({
      command: node,
      args: ["-e", "console.log(JSON.stringify({ p95: Number(process.argv[1]) }))", "{{args.p95}}"],
    });
    expect(await p95.measure({ args: { p95: "212.5" } })).toEqual({ p95: 212.5 });
    const bare = commandProvider({ command: node, args: ["-e", "console.log(' 0.97 ')"] });
    expect(await bare.measure({ args: {} })).toBe(0.97);
    const hang = commandProvider({
      command: node,
      args: ["-e", "setTimeout(() => {}, 10000)"],
      timeoutMs: 300,
    });
    const started = Date.now();
    await expect(hang.measure({ args: {} })).rejects.toThrow(/no result within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
    const failing = commandProvider({
      command: node,
      args: ["-e", "console.error('db down'); process.exit(3)"],
    });
    await expect(failing.measure({ args: {} })).rejects.toThrow(/exited with 3; stderr: db down/);
    const prose = commandProvider({ command: node, args: ["-e", "console.log('all good')"] });
    await expect(prose.measure({ args: {} })).rejects.toThrow(/neither JSON nor a number/);
    const missing = commandProvider({ command: "/nonexistent/upshift-probe" });
    await expect(missing.measure({ args: {} })).rejects.toThrow(/ENOENT/);
  });
});
