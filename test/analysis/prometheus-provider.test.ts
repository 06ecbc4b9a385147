import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBeforeAfterSamples } from "../../src/adapters/metrics/before-after-samples.js";
import { createMetricProvider } from "../../src/adapters/metrics/create-metric-provider.js";
import { prometheusProvider } from "../../src/adapters/metrics/prometheus/prometheus-provider.js";
import { analysisMetricSpec } from "../../src/core/analysis/analysis-metric-spec.js";
import { beforeAfterWindows, judgeBeforeAfter } from "../../src/core/analysis/before-after-baseline.js";
import { DEFAULT_SCORE_THRESHOLDS } from "../../src/core/analysis/canary-score.js";
import { measuredValue } from "../../src/core/analysis/measurement.js";
import { metricJudgementConfig } from "../../src/core/analysis/metric-judgement-config.js";
import { MetricProviderError } from "../../src/core/analysis/metric-provider-port.js";
import { runVerificationCheck } from "../../src/engine/analysis/run-verification-check.js";
import { seededRandom } from "../support/prng.js";
import { freePort, type LocalServer, serve, waitFor } from "./local-services.js";
import { checkContext, checkTarget } from "./verify-step-harness.js";

const PROMETHEUS = "/usr/bin/prometheus";

// A real Prometheus from Debian scrapes a small exporter every 250 ms; the provider queries it.
describe.skipIf(!existsSync(PROMETHEUS) && !process.env.CI)(
  "prometheus provider against a real Prometheus",
  () => {
    let exporter: LocalServer;
    let prometheus: ChildProcess;
    let address: string;
    let dir: string;
    let output = "";
    let scrapes = 0;
    // The exporter's p95 latency: seeded noise around 100 ms, around 130 ms once "deployed".
    const noise = seededRandom(7);
    let latencyBase = 100;

    beforeAll(async () => {
      exporter = await serve((_req, res) => {
        scrapes++;
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        res.end(
          [
            "# TYPE demo_latency_p95_ms gauge",
            'demo_latency_p95_ms{version="1.0.0"} 120',
            'demo_latency_p95_ms{version="1.1.0"} 181',
            "# TYPE demo_p95_ms gauge",
            `demo_p95_ms ${(latencyBase + noise() * 8).toFixed(2)}`,
            "# TYPE demo_success_ratio gauge",
            "demo_success_ratio NaN",
            "# TYPE demo_requests_total counter",
            `demo_requests_total{version="1.0.0"} ${scrapes * 10}`,
            "# TYPE demo_resident_memory_bytes gauge",
            'demo_resident_memory_bytes{service="web",version="2.0.0"} 52428800',
            "# TYPE demo_open_fds gauge",
            'demo_open_fds{service="web",version="2.0.0"} 40',
            "",
          ].join("\n"),
        );
      });
      dir = mkdtempSync(join(tmpdir(), "upshift-prometheus-"));
      const port = await freePort();
      address = `http://127.0.0.1:${port}`;
      writeFileSync(
        join(dir, "prometheus.yml"),
        [
          "global:",
          "  scrape_interval: 250ms",
          "scrape_configs:",
          "  - job_name: demo",
          "    static_configs:",
          `      - targets: ["${new URL(exporter.url).host}"]`,
          "",
        ].join("\n"),
      );
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--log.level=warn",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      prometheus.stderr?.on("data", (d: Buffer) => {
        output += d.toString();
      });
      const up = prometheusProvider({ address, query: 'count_over_time(up{job="demo"}[1m])' });
      await waitFor(
        `Prometheus at ${address} scraping the exporter (output: ${output})`,
        async () => {
          const v = (await up.measure({ args: {} })) as number[];
          return (v[0] ?? 0) >= 6 ? true : undefined;
        },
        20_000,
      );
    }, 30_000);

    afterAll(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise((resolve) => prometheus.once("exit", resolve));
        prometheus.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (prometheus.exitCode === null) prometheus.kill("SIGKILL");
      }
      await exporter?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("measures an instant query per version with templated labels", async () => {
      const latency = prometheusProvider({
        address,
        query: 'demo_latency_p95_ms{version="{{args.version}}"}',
      });
      expect(await latency.measure({ args: { version: "1.0.0" } })).toEqual([120]);
      expect(await latency.measure({ args: { version: "1.1.0" } })).toEqual([181]);
      expect(await latency.measure({ args: { version: "9.9.9" } })).toEqual([]);
      const scalar = prometheusProvider({ address, query: "scalar(sum(demo_latency_p95_ms))" });
      expect(await scalar.measure({ args: {} })).toBe(301);
    });

    it("judges the canary's p95 by the metric's condition", async () => {
      const metric = analysisMetricSpec({ name: "p95", successCondition: "result[0] < 150" });
      const latency = prometheusProvider({
        address,
        query: 'demo_latency_p95_ms{version="{{args.version}}"}',
      });
      const stable = measuredValue(metric, await latency.measure({ args: { version: "1.0.0" } }), 0, 1);
      const canary = measuredValue(metric, await latency.measure({ args: { version: "1.1.0" } }), 0, 1);
      expect(stable.phase).toBe("Successful");
      expect(canary).toMatchObject({
        phase: "Failed",
        message: 'successCondition "result[0] < 150" is false',
      });
    });

    it("reads Prometheus' NaN as a number, so isNaN(result[0]) works, and as a missing sample", async () => {
      const ratio = prometheusProvider({ address, query: "demo_success_ratio" });
      const value = await ratio.measure({ args: {} });
      expect(value).toEqual([Number.NaN]);
      const metric = analysisMetricSpec({
        name: "ratio",
        successCondition: "!isNaN(result[0]) && result[0] > 0.9",
      });
      expect(measuredValue(metric, value, 0, 1).phase).toBe("Failed");
      const end = Date.now();
      const samples = await ratio.samples({ start: end - 1_000, end, stepMs: 250 }, { args: {} });
      expect(samples.length).toBeGreaterThan(0);
      expect(samples.every((s) => s === null)).toBe(true);
    });

    it("returns a range query's samples for the judge", async () => {
      const requests = prometheusProvider({
        address,
        query: 'demo_requests_total{version="{{args.version}}"}',
      });
      const end = Date.now();
      const samples = await requests.samples(
        { start: end - 10_000, end, stepMs: 250 },
        { args: { version: "1.0.0" } },
      );
      expect(samples.length).toBeGreaterThanOrEqual(4);
      const numbers = samples.filter((s): s is number => s !== null);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(numbers.at(-1)!).toBeGreaterThan(numbers[0]!);
    });

    it("judges a +30% latency regression after a deploy against the window before it", async () => {
      const source = prometheusProvider({ address, query: "demo_p95_ms" });
      const config = {
        metrics: [metricJudgementConfig("p95", { direction: "increase" })],
        groupWeights: {},
        thresholds: DEFAULT_SCORE_THRESHOLDS,
      };
      const deployedAt = Date.now();
      latencyBase = 130;
      await new Promise((r) => setTimeout(r, 1_300));
      const windows = beforeAfterWindows(deployedAt, Date.now(), 400, 300);
      const { before, after } = await collectBeforeAfterSamples({ p95: source }, windows, 100, { args: {} });
      expect(before.p95!.length).toBeGreaterThanOrEqual(6);
      expect(after.p95!.length).toBeGreaterThanOrEqual(6);
      const { judgement } = judgeBeforeAfter(config, windows, before, after);
      expect(judgement.verdict).toBe("Fail");
      expect(judgement.metrics[0]).toMatchObject({ classification: "High" });
      if (judgement.metrics[0]?.kind === "compared")
        expect(judgement.metrics[0].estimate).toBeGreaterThan(20);
    });

    it("turns a PromQL error into a provider error naming the query", async () => {
      const broken = prometheusProvider({ address, query: "sum(demo_latency_p95_ms" });
      await expect(broken.measure({ args: {} })).rejects.toThrow(MetricProviderError);
      await expect(broken.measure({ args: {} })).rejects.toThrow(
        /query "sum\(demo_latency_p95_ms" failed \(400 bad_data\)/,
      );
      const missing = prometheusProvider({ address, query: 'up{version="{{args.version}}"}' });
      await expect(missing.measure({ args: {} })).rejects.toThrow(/no value was given for version/);
    });

    it("checks infrastructure through Prometheus for drivers without local pids", async () => {
      const ctx = checkContext();
      const target = checkTarget();
      const check = (maxMemory: number) => ({
        name: "infra",
        check: {
          kind: "infrastructure" as const,
          name: "infra",
          window: "1s",
          interval: "250ms",
          memoryBytes: { max: maxMemory },
          openFiles: { max: 100 },
          prometheus: {
            address,
            memoryBytes: 'demo_resident_memory_bytes{service="{{args.service}}",version="{{args.version}}"}',
            openFiles: 'demo_open_fds{service="{{args.service}}",version="{{args.version}}"}',
          },
        },
      });
      const ports = { createMetricProvider };
      const roomy = await runVerificationCheck(ctx, check(100 * 1024 ** 2), ports, target);
      expect(roomy.kind, roomy.message).toBe("passed");
      const tight = await runVerificationCheck(ctx, check(10 * 1024 ** 2), ports, target);
      expect(tight.kind, tight.message).toBe("failed");
      expect(tight.message).toMatch(/memory/i);
    }, 20_000);
  },
);
