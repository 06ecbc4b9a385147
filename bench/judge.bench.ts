// npm run bench:judge — judge 20 metrics of 100,000 baseline and 100,000 canary samples each; the
// baseline is merely sorting the same 40 arrays with the platform's Float64Array sort, in the same
// run. Targets (issue 6): the whole judgement under 200 ms, and within 5x of the sort. Two
// judgements are timed: judgeCanary on this one thread, and JudgeWorkers, which the server judges
// with: the metrics split between this thread and worker threads (one per core but one).
import { availableParallelism } from "node:os";
import { JudgeWorkers } from "../src/adapters/analysis/judge-workers.js";
import { judgeCanary, type MetricSamples } from "../src/core/analysis/canary-judge.js";
import { DEFAULT_SCORE_THRESHOLDS } from "../src/core/analysis/canary-score.js";
import { metricJudgementConfig } from "../src/core/analysis/metric-judgement-config.js";
import { sortSamples } from "../src/core/analysis/sort-samples.js";

const METRICS = 20;
const SAMPLES = 100_000;
const RUNS = 5;

// Seeded generator (mulberry32) so every run judges the same data.
let state = 20_261_127;
function uniform(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

// Latencies (lognormal, some shifted), rounded latencies and counts (many ties).
function metricSamples(metric: number, canary: boolean): Float64Array {
  const shift = canary && metric % 4 === 0 ? 0.05 : 0;
  const out = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const latency = Math.exp(3 + shift + 0.5 * normal());
    out[i] =
      metric % 5 === 3
        ? Math.round(latency)
        : metric % 5 === 4
          ? Math.floor(uniform() * (canary ? 6 : 5))
          : latency;
  }
  return out;
}

const names = Array.from({ length: METRICS }, (_, i) => `metric-${i}`);
const baseline: Record<string, Float64Array> = {};
const canary: Record<string, Float64Array> = {};
for (const [i, name] of names.entries()) {
  baseline[name] = metricSamples(i, false);
  canary[name] = metricSamples(i, true);
}
const arrays = [...Object.values(baseline), ...Object.values(canary)];
const config = {
  metrics: names.map((name, i) => metricJudgementConfig(name, { group: `group-${i % 4}` })),
  groupWeights: {},
  thresholds: DEFAULT_SCORE_THRESHOLDS,
};

const cpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

// Median wall-clock time of RUNS runs after a warm-up, and the median CPU time of the same runs
// (shown too because the machine is shared: waiting for a core inflates wall time, not CPU time).
// Work may return a promise (JudgeWorkers); a plain result is awaited as it is.
async function median(
  label: string,
  work: () => unknown,
): Promise<{ label: string; ms: number; cpu: number }> {
  await work();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const startCpu = cpuMs();
    await work();
    times.push(performance.now() - start);
    cpu.push(cpuMs() - startCpu);
  }
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
  return { label, ms: mid(times), cpu: mid(cpu) };
}

const nativeSort = await median("Float64Array.prototype.sort of the 40 arrays", () =>
  arrays.map((a) => a.slice().sort()),
);
const radixSort = await median("sortSamples (the judge's radix sort) of the 40 arrays", () =>
  arrays.map((a) => sortSamples(a)),
);
const samples = (side: Record<string, Float64Array>): MetricSamples => side;
const judgement = judgeCanary(config, samples(baseline), samples(canary));
const single = await median("judgeCanary on this thread, 20 metrics", () =>
  judgeCanary(config, samples(baseline), samples(canary)),
);
const workers = new JudgeWorkers();
const threads = availableParallelism();
// The warm-up run also starts the worker threads (and compiles the judge in them).
const judgedInWorkers = await workers.judge(config, samples(baseline), samples(canary));
const parallel = await median(`JudgeWorkers on ${threads} threads, 20 metrics`, () =>
  workers.judge(config, samples(baseline), samples(canary)),
);
await workers.close();
if (JSON.stringify(judgedInWorkers) !== JSON.stringify(judgement))
  throw new Error("JudgeWorkers judged the bench data differently from judgeCanary");

const verdict = (ok: boolean) => (ok ? "target met" : "TARGET MISSED");
console.log(
  `input: ${METRICS} metrics x (${SAMPLES} baseline + ${SAMPLES} canary) samples; median of ${RUNS} runs; ${threads} cores`,
);
const show = (r: { ms: number; cpu: number }) => `${r.ms.toFixed(1)} ms (CPU ${r.cpu.toFixed(1)} ms)`;
console.log(`baseline  ${nativeSort.label}: ${show(nativeSort)}`);
console.log(`          ${radixSort.label}: ${show(radixSort)}`);
for (const judge of [single, parallel])
  console.log(`upshift   ${judge.label}: ${show(judge)}, ${(judge.ms / METRICS).toFixed(2)} ms per metric`);
console.log(
  `verdict of the bench data: score ${judgement.score}, ${judgement.verdict}; ${judgement.metrics.map((m) => m.classification[0]).join("")}`,
);
console.log(
  `ratio judge/sort: ${(single.ms / nativeSort.ms).toFixed(2)}x on one thread, ${(parallel.ms / nativeSort.ms).toFixed(2)}x on ${threads} (target <= 5x: ${verdict(parallel.ms / nativeSort.ms <= 5)})`,
);
console.log(
  `judge total: ${parallel.ms.toFixed(1)} ms as the server judges, ${single.ms.toFixed(1)} ms on one thread (target < 200 ms: ${verdict(parallel.ms < 200)})`,
);
