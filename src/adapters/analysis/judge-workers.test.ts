import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterEach, assert, describe, expect, it } from "vitest";
import { type CanaryJudgeConfig, judgeCanary } from "../../core/analysis/canary-judge.js";
import { DEFAULT_SCORE_THRESHOLDS } from "../../core/analysis/canary-score.js";
import { metricJudgementConfig } from "../../core/analysis/metric-judgement-config.js";
import { InputError } from "../../core/errors/domain-error.js";
import { JudgeWorkers } from "./judge-workers.js";

// Real worker threads running the judge from these TypeScript sources (through tsx's hooks).

/** Deterministic samples: lognormal-ish latencies, with a shift, ties (rounded) or gaps (null). */
function samples(n: number, seed: number, shift = 0, kind: "plain" | "rounded" | "gaps" = "plain") {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 4_294_967_296;
  };
  return Array.from({ length: n }, (_, i) => {
    const v = Math.exp(3 + shift + 0.5 * (next() + next() + next() - 1.5));
    if (kind === "gaps" && i % 97 === 0) return null;
    return kind === "rounded" ? Math.round(v) : v;
  });
}

const config: CanaryJudgeConfig = {
  metrics: [
    metricJudgementConfig("latency", { group: "latency", direction: "increase" }),
    metricJudgementConfig("rounded", { group: "latency" }),
    metricJudgementConfig("gaps", { group: "errors", nanStrategy: "replace" }),
    metricJudgementConfig("view", { group: "errors", critical: true }),
    metricJudgementConfig("absent", { group: "traffic" }),
    metricJudgementConfig("small", {
      group: "traffic",
      outlierRemoval: { factor: 1.5, reduceSensitivity: false },
    }),
  ],
  groupWeights: { latency: 50 },
  thresholds: DEFAULT_SCORE_THRESHOLDS,
};

// A view into a larger buffer (as a parsed response might hand over), plain arrays with nulls,
// and a metric only one side has.
const big = Float64Array.from(samples(30_000, 9));
const baseline = {
  latency: Float64Array.from(samples(20_000, 1) as number[]),
  rounded: samples(15_000, 2, 0, "rounded"),
  gaps: samples(12_000, 3, 0, "gaps"),
  view: big.subarray(5_000, 25_000),
  small: samples(40, 4),
};
const canary = {
  latency: Float64Array.from(samples(18_000, 5, 0.05) as number[]),
  rounded: samples(15_000, 6, 0, "rounded"),
  gaps: samples(12_000, 7, 0.02, "gaps"),
  view: big.subarray(0, 20_000),
  absent: samples(100, 8),
  small: samples(40, 10, 0.3),
};

const pools: JudgeWorkers[] = [];
const pool = (options: ConstructorParameters<typeof JudgeWorkers>[0]) => {
  const made = new JudgeWorkers(options);
  pools.push(made);
  return made;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe("JudgeWorkers", () => {
  it("gives judgeCanary's judgement, with metrics classified in a worker thread", async () => {
    const workers = pool({ workers: 1, inlineBelow: 0 });
    const expected = judgeCanary(config, baseline, canary);
    expect(expected.metrics.map((m) => m.classification)).toEqual([
      "High",
      "Pass",
      "High",
      "Pass",
      "Nodata",
      "High",
    ]);
    const judged = await workers.judge(config, baseline, canary);
    expect(judged).toEqual(expected);
    expect(workers.classifiedInWorkers).toBeGreaterThan(0);
    expect(workers.classifiedInWorkers).toBeLessThan(config.metrics.length);
    // The same worker takes the next judgement, and the caller's arrays are untouched.
    expect(await workers.judge(config, baseline, canary)).toEqual(expected);
    expect(baseline.view.length).toBe(20_000);
    expect(canary.latency.length).toBe(18_000);
  }, 60_000);

  it("spreads over several workers and still scores in the config's order", async () => {
    const workers = pool({ workers: 3, inlineBelow: 0 });
    const judged = await workers.judge(config, baseline, canary);
    expect(judged).toEqual(judgeCanary(config, baseline, canary));
    expect(judged.metrics.map((m) => m.name)).toEqual(config.metrics.map((m) => m.name));
  }, 60_000);

  it("judges on the caller's thread below the threshold, with no worker, or once closed", async () => {
    const starts: number[] = [];
    const counting = () => {
      starts.push(1);
      return new Worker("", { eval: true });
    };
    for (const options of [{ inlineBelow: 1e9 }, { workers: 0, inlineBelow: 0 }]) {
      const workers = pool({ ...options, startWorker: counting });
      expect(await workers.judge(config, baseline, canary)).toEqual(judgeCanary(config, baseline, canary));
      expect(workers.classifiedInWorkers).toBe(0);
    }
    const closed = pool({ workers: 1, inlineBelow: 0, startWorker: counting });
    await closed.close();
    await closed.judge(config, baseline, canary);
    expect(starts).toEqual([]);
  });

  it("classifies a failed worker's lane itself, and starts a new worker next time", async () => {
    let started = 0;
    const crashing = () => {
      started++;
      return new Worker("process.exit(3)", { eval: true });
    };
    const workers = pool({ workers: 1, inlineBelow: 0, startWorker: crashing });
    const expected = judgeCanary(config, baseline, canary);
    expect(await workers.judge(config, baseline, canary)).toEqual(expected);
    expect(await workers.judge(config, baseline, canary)).toEqual(expected);
    expect(started).toBe(2);
    expect(workers.classifiedInWorkers).toBe(0);

    const throwing = pool({
      workers: 1,
      inlineBelow: 0,
      startWorker: () => new Worker("throw new Error('cannot load the judge')", { eval: true }),
    });
    expect(await throwing.judge(config, baseline, canary)).toEqual(expected);
  });

  it("rejects settings judgeCanary rejects, before any work", async () => {
    const workers = pool({ workers: 1, inlineBelow: 0, startWorker: () => assert.fail("no worker") });
    const bad = { ...config, metrics: [metricJudgementConfig("a", { confidence: 1.5 }), config.metrics[0]!] };
    const error = await workers.judge(bad, baseline, canary).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('metric "a": confidence must be between 0 and 1');
  });
});

describe("JudgeWorkers, compiled", () => {
  it("starts its worker from dist/ as `npm start` runs it (npm test builds dist first)", () => {
    const compiled = fileURLToPath(
      new URL("../../../dist/adapters/analysis/judge-workers.js", import.meta.url),
    );
    expect(existsSync(compiled), `${compiled} is missing: run npm run build`).toBe(true);
    const script = `
      import { JudgeWorkers } from ${JSON.stringify(pathToFileURL(compiled).href)};
      const metrics = ["a", "b", "c", "d"].map((name) => ({ name, group: "g", critical: false, mustHaveData: false,
        confidence: 0.95, tolerance: 0.25, direction: "either", nanStrategy: "remove" }));
      const side = (shift) => Object.fromEntries(metrics.map((m, k) =>
        [m.name, Float64Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 1000) + shift * k)]));
      const workers = new JudgeWorkers({ workers: 1, inlineBelow: 0 });
      const judged = await workers.judge({ metrics, groupWeights: {}, thresholds: { pass: 95, marginal: 75 } },
        side(0), side(40));
      await workers.close();
      console.log(JSON.stringify({ inWorkers: workers.classifiedInWorkers, classes: judged.metrics.map((m) => m.classification) }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ inWorkers: 2, classes: ["Pass", "High", "High", "High"] });
  }, 30_000);
});
