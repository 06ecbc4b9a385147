import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheck } from "../../src/adapters/checks/create-check.js";
import { createMetricProvider } from "../../src/adapters/metrics/create-metric-provider.js";
import {
  analysisMetricFromDocument,
  analysisMetricSchema,
  checkSchema,
} from "../../src/core/analysis/analysis-document-schema.js";
import { driveAnalysis } from "./drive-analysis.js";
import { json, type LocalServer, SERVICES, serve, uniqueName } from "./local-services.js";

describe("analyses and checks written in documents", () => {
  let service: LocalServer;

  beforeAll(async () => {
    service = await serve((req, res) => {
      if (req.url?.startsWith("/health")) return json(res, 200, { status: "ok", checks: { db: "ok" } });
      json(res, 200, { errorRate: 0.002 });
    });
  });

  afterAll(() => service.close());

  it("runs an Argo-style metric with duration strings through the provider it names", async () => {
    const document = analysisMetricSchema.parse({
      name: "error-rate",
      interval: "30s",
      count: 3,
      initialDelay: "1m",
      successCondition: "result < 0.01",
      provider: {
        kind: "http",
        url: `${service.url}/stats/{{args.version}}`,
        jsonPath: "$.errorRate",
        timeout: "2s",
      },
    });
    const metric = analysisMetricFromDocument(document);
    expect(metric).toMatchObject({
      intervalMs: 30_000,
      initialDelayMs: 60_000,
      count: 3,
      consecutiveErrorLimit: 4,
    });
    const state = await driveAnalysis(
      [metric],
      { "error-rate": createMetricProvider(document.provider) },
      { version: "v2" },
    );
    expect(state.phase).toBe("Successful");
    expect(state.metrics[0]?.measurements.map((m) => m.startedAt)).toEqual([60_000, 90_001, 120_002]);
  });

  it("refuses an unknown provider kind and a bad condition with their place", () => {
    const unknown = analysisMetricSchema.safeParse({ name: "m", provider: { kind: "datadog", query: "x" } });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues[0]?.path)).toBe('["provider","kind"]');
    const document = analysisMetricSchema.parse({
      name: "m",
      successCondition: "result >",
      provider: { kind: "sql", url: "sqlite:x", query: "select 1" },
    });
    expect(() => analysisMetricFromDocument(document)).toThrow(
      /successCondition: the condition ends too early: expected a value at column 9/,
    );
  });

  it("creates and runs the checks documents name", async () => {
    const synthetic = createCheck(
      checkSchema.parse({
        kind: "synthetic-http",
        name: "health",
        baseUrl: service.url,
        steps: [
          {
            url: "/health",
            assertions: [{ path: "$.checks.db", condition: "result == 'ok'" }],
            timeout: "2s",
          },
        ],
      }),
    );
    expect(await synthetic.run()).toMatchObject({ kind: "passed", message: "health: 1 step passed" });
    const key = uniqueName("upshift:doc");
    const redis = createCheck(
      checkSchema.parse({ kind: "redis-length", url: SERVICES.redis, key, length: { max: 0 } }),
    );
    expect(await redis.run()).toMatchObject({ kind: "passed", evidence: { length: 0 } });
    const kpi = createCheck(
      checkSchema.parse({
        kind: "metric",
        name: "error budget",
        provider: { kind: "command", command: process.execPath, args: ["-e", "console.log(0.2)"] },
        successCondition: "result < 0.05",
      }),
    );
    expect(await kpi.run()).toMatchObject({ kind: "failed", evidence: { result: 0.2 } });
  });
});
