import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnalysisMetricInput, analysisMetricSpec } from "./analysis-metric-spec.js";
import { dueMetrics, nextMeasurementAt } from "./analysis-schedule.js";
import { type AnalysisState, isFinalPhase, metricResultOf, startAnalysis } from "./analysis-state.js";
import {
  evaluateMeasurement,
  failedMeasurement,
  type MeasurementPhase,
  measuredValue,
} from "./measurement.js";
import { recordMeasurement, terminateAnalysis } from "./record-measurement.js";

const S = 1000;

/** Drives an analysis with a fake clock: every due metric gets the next value of its script. */
function drive(
  inputs: readonly AnalysisMetricInput[],
  scripts: Readonly<Record<string, readonly (number | "error")[]>>,
  until = 3600 * S,
): { readonly state: AnalysisState; readonly times: Readonly<Record<string, number[]>> } {
  const metrics = inputs.map(analysisMetricSpec);
  let state = startAnalysis(metrics, 0);
  const used: Record<string, number> = {};
  const times: Record<string, number[]> = {};
  for (
    let now = nextMeasurementAt(metrics, state);
    now !== undefined && now <= until;
    now = nextMeasurementAt(metrics, state)
  ) {
    for (const name of dueMetrics(metrics, state, now)) {
      const script = scripts[name] ?? [];
      const i = used[name] ?? 0;
      used[name] = i + 1;
      times[name] = [...(times[name] ?? []), now];
      const step = script[Math.min(i, script.length - 1)] ?? 0;
      const metric = metrics.find((m) => m.name === name)!;
      const measurement =
        step === "error"
          ? failedMeasurement("provider down", now, now + S)
          : measuredValue(metric, step, now, now + S);
      state = recordMeasurement(metrics, state, name, measurement);
    }
    if (isFinalPhase(state.phase)) break;
  }
  return { state, times };
}

const rate = { name: "success-rate", intervalMs: 10 * S, successCondition: "result >= 0.95" };

describe("measurement phases (Argo EvaluateResult)", () => {
  const spec = (success?: string, failure?: string) =>
    analysisMetricSpec({ name: "m", successCondition: success, failureCondition: failure });
  it.each([
    [undefined, undefined, 1, "Successful"],
    ["result > 0.9", undefined, 0.5, "Failed"],
    ["result > 0.9", undefined, 0.95, "Successful"],
    [undefined, "result < 0.5", 0.7, "Successful"],
    [undefined, "result < 0.5", 0.2, "Failed"],
    ["result > 0.9", "result < 0.5", 0.7, "Inconclusive"],
    ["result > 0.9", "result < 0.5", 0.2, "Failed"],
    ["result[0] > 0.9", undefined, 0.95, "Error"],
  ] as const)("success %s, failure %s, result %s: %s", (success, failure, value, phase) => {
    expect(evaluateMeasurement(spec(success, failure), value).phase).toBe(phase satisfies MeasurementPhase);
  });
});

describe("analysis run (Argo Rollouts semantics)", () => {
  it("succeeds once the count is reached, measuring every interval", () => {
    const { state, times } = drive([{ ...rate, count: 3 }], { "success-rate": [0.99] });
    expect(state.phase).toBe("Successful");
    expect(times["success-rate"]).toEqual([0, 11 * S, 22 * S]);
    expect(metricResultOf(state, "success-rate")).toMatchObject({
      count: 3,
      successful: 3,
      message: "count (3) reached",
    });
  });

  it("tolerates failures up to failureLimit and fails beyond it", () => {
    const within = drive([{ ...rate, count: 4, failureLimit: 1 }], { "success-rate": [0.5, 0.99] });
    expect(within.state.phase).toBe("Successful");
    const beyond = drive([{ ...rate, count: 4, failureLimit: 1 }], {
      "success-rate": [0.5, 0.99, 0.5, 0.99],
    });
    expect(beyond.state.phase).toBe("Failed");
    expect(beyond.times["success-rate"]).toHaveLength(3);
    expect(beyond.state.message).toBe('metric "success-rate" assessed Failed: failed (2) > failureLimit (1)');
  });

  it("turns Inconclusive when neither condition holds", () => {
    const { state } = drive([{ ...rate, count: 3, failureCondition: "result < 0.8" }], {
      "success-rate": [0.9],
    });
    expect(state.phase).toBe("Inconclusive");
    expect(metricResultOf(state, "success-rate").inconclusive).toBe(1);
  });

  it("retries errors after 10 s without counting them, and errors after consecutiveErrorLimit + 1", () => {
    const recovers = drive([{ ...rate, count: 2 }], { "success-rate": ["error", "error", 0.99] });
    expect(recovers.state.phase).toBe("Successful");
    expect(recovers.times["success-rate"]).toEqual([0, 11 * S, 22 * S, 33 * S]);
    expect(metricResultOf(recovers.state, "success-rate")).toMatchObject({
      count: 2,
      error: 2,
      consecutiveError: 0,
    });
    const broken = drive([{ ...rate, count: 2 }], { "success-rate": ["error"] });
    expect(broken.state.phase).toBe("Error");
    expect(broken.times["success-rate"]).toHaveLength(5);
    const strict = drive([{ ...rate, count: 2, consecutiveErrorLimit: 0 }], { "success-rate": ["error"] });
    expect(strict.times["success-rate"]).toHaveLength(1);
  });

  it("waits for initialDelay before the first measurement", () => {
    const metrics = [analysisMetricSpec({ ...rate, initialDelayMs: 30 * S })];
    const state = startAnalysis(metrics, 5 * S);
    expect(dueMetrics(metrics, state, 34 * S)).toEqual([]);
    expect(dueMetrics(metrics, state, 35 * S)).toEqual(["success-rate"]);
    expect(state.phase).toBe("Pending");
    expect(() => startAnalysis([], 0)).toThrow(/at least one metric/);
    expect(() => startAnalysis([metrics[0]!, metrics[0]!], 0)).toThrow(/success-rate given twice/);
  });

  it("lets a dry-run metric fail without failing the run", () => {
    const { state } = drive(
      [
        { ...rate, count: 2 },
        { name: "latency", successCondition: "result < 250", dryRun: true },
      ],
      {
        "success-rate": [0.99],
        latency: [900],
      },
    );
    expect(state.phase).toBe("Successful");
    expect(metricResultOf(state, "latency").phase).toBe("Failed");
    expect(state.dryRunSummary).toMatchObject({ count: 1, failed: 1 });
    expect(state.summary).toMatchObject({ count: 1, successful: 1 });
  });

  it("stops a background metric when another fails, and takes the worst phase", () => {
    const { state, times } = drive(
      [
        { name: "background", intervalMs: 5 * S, successCondition: "result == 0" },
        { ...rate, count: 5 },
      ],
      { background: [0], "success-rate": [0.99, 0.1] },
    );
    expect(state.phase).toBe("Failed");
    expect(metricResultOf(state, "background").phase).toBe("Successful");
    expect(nextMeasurementAt([], state)).toBeUndefined();
    expect(times.background!.length).toBeGreaterThan(1);
  });

  it("runs a background analysis until it is terminated", () => {
    const metrics = [analysisMetricSpec({ name: "bg", intervalMs: 60 * S, successCondition: "result < 1" })];
    let state = startAnalysis(metrics, 0);
    for (let t = 0; t < 10; t++)
      state = recordMeasurement(metrics, state, "bg", measuredValue(metrics[0]!, 0, t * 60 * S, t * 60 * S));
    expect(state.phase).toBe("Running");
    expect(nextMeasurementAt(metrics, state)).toBe(9 * 60 * S + 60 * S);
    expect(metricResultOf(state, "bg").measurements).toHaveLength(10);
    state = terminateAnalysis(metrics, state);
    expect(state).toMatchObject({ phase: "Successful", message: "run terminated" });
    expect(nextMeasurementAt(metrics, state)).toBeUndefined();
  });

  it("prefers Error over Inconclusive over Failed when several limits are exceeded, as Argo does", () => {
    const metrics = [
      analysisMetricSpec({
        name: "m",
        intervalMs: S,
        count: 10,
        successCondition: "result > 1",
        failureLimit: 3,
        consecutiveErrorLimit: 1,
      }),
    ];
    let state = startAnalysis(metrics, 0);
    const steps = [0, 0, 0, "e", "e"] as const;
    steps.forEach((v, i) => {
      state = recordMeasurement(
        metrics,
        state,
        "m",
        v === "e" ? failedMeasurement("x", i, i) : measuredValue(metrics[0]!, v, i, i),
      );
    });
    expect(state.phase).toBe("Error");
  });

  it("rejects settings Argo rejects, all at once", () => {
    expect(() =>
      analysisMetricSpec({ name: "m", count: 3, failureLimit: 5, successCondition: "result >" }),
    ).toThrow(
      /interval must be given.*count \(3\) must be >= failureLimit \(5\).*successCondition: the condition ends too early/s,
    );
  });

  it("keeps its counters consistent and never leaves a final phase, whatever is measured", () => {
    const phase = fc.constantFrom<MeasurementPhase>("Successful", "Failed", "Inconclusive", "Error");
    fc.assert(
      fc.property(
        fc.array(phase, { maxLength: 40 }),
        fc.nat(3),
        fc.nat(3),
        (phases, failureLimit, inconclusiveLimit) => {
          const metrics = [
            analysisMetricSpec({ name: "m", intervalMs: S, count: 20, failureLimit, inconclusiveLimit }),
          ];
          let state = startAnalysis(metrics, 0);
          let finalSeen: string | undefined;
          phases.forEach((p, i) => {
            state = recordMeasurement(metrics, state, "m", {
              phase: p,
              value: 0,
              startedAt: i,
              finishedAt: i,
              message: "",
            });
            if (finalSeen !== undefined) expect(state.phase).toBe(finalSeen);
            if (isFinalPhase(state.phase)) finalSeen ??= state.phase;
            const r = metricResultOf(state, "m");
            expect(r.count).toBe(r.successful + r.failed + r.inconclusive);
            expect(r.failed <= failureLimit || state.phase !== "Running").toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
