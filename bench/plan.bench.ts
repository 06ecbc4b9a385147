/**
 * Release planner benchmark (issue 3): synthetic fleets of 1,000 / 10,000 / 100,000 services with
 * about 5 requirements each and 20% of services changed. Prints the planning time (in-process,
 * documents already parsed) beside a plain topological sort of the same dependency graph measured
 * in the same run, the sizes interleaved in rounds (see below); the ratio is the figure.
 * Targets: 10,000 services planned in under 1 s, and 100,000 within 15x of 10,000.
 * Run: `npm run bench:plan`.
 */
import { loadavg } from "node:os";
import { constants, PerformanceObserver, performance } from "node:perf_hooks";
import type { DocumentOf } from "../src/core/documents/document-kinds.js";
import type { ReleaseChange } from "../src/core/documents/kinds/release.js";
import { planRelease } from "../src/core/planner/plan-release.js";
import type { PlanInput } from "../src/core/planner/planning-fleet.js";
import { median } from "./measure.js";

/** Mulberry32: a small seeded generator, so every run plans the same fleets. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Service i provides `api-i`; it requires 5 APIs of lower-numbered services (one of them, for
 * one service in ten, the monolith's `core-api`), and one in ten depends on a lower-numbered
 * service. A changed service adds version 1.5.0 of its API and, when it needs a changed
 * provider, requires ^1.5.0 of it: that consumer must wait for that provider.
 */
export function syntheticFleet(size: number, seed = 42): PlanInput {
  const next = random(seed);
  const name = (i: number) => `svc-${String(i).padStart(6, "0")}`;
  const changed = Array.from({ length: size }, (_, i) => i === 0 || next() < 0.2);
  const services: DocumentOf<"Service">[] = [];
  const changes: ReleaseChange[] = [];
  for (let i = 0; i < size; i++) {
    const targets = new Set<number>();
    while (i > 0 && targets.size < Math.min(5, i)) targets.add(Math.floor(next() * i));
    const api = (j: number) => (j === 0 ? "core-api" : `api-${j}`);
    const requires = [...targets].map((j) => ({ api: api(j), range: "^1.0.0" }));
    const dependsOn = i > 0 && next() < 0.1 ? [name(Math.floor(next() * i))] : undefined;
    services.push({
      apiVersion: "upshift.dev/v1alpha1",
      kind: "Service",
      metadata: { name: name(i) },
      spec: {
        version: "1.4.0",
        tier: Math.floor(next() * 4),
        provides: [{ api: api(i), version: "1.4.0" }],
        requires,
        ...(dependsOn === undefined ? {} : { dependsOn }),
      },
    });
    if (!changed[i]) continue;
    changes.push({
      service: name(i),
      version: "1.5.0",
      provides: [
        { api: api(i), version: "1.4.0" },
        { api: api(i), version: "1.5.0" },
      ],
      requires: [...targets].map((j) => ({ api: api(j), range: changed[j] ? "^1.5.0" : "^1.0.0" })),
      ...(next() < 0.5
        ? { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: { duration: "5m" } }] } } }
        : {}),
    });
  }
  const release: DocumentOf<"Release"> = {
    apiVersion: "upshift.dev/v1alpha1",
    kind: "Release",
    metadata: { name: "bench" },
    spec: { environments: ["prod"], changes, maxParallel: 500 },
  };
  return { services, release };
}

/**
 * The baseline: Kahn's topological sort of the same graph (consumer → provider through an
 * API → provider index, plus dependsOn), with no compatibility reasoning at all.
 */
function topologicalSort(input: PlanInput): number {
  const index = new Map(input.services.map((s, i) => [s.metadata.name, i]));
  const providerOf = new Map<string, number>();
  input.services.forEach((s, i) => {
    for (const p of s.spec.provides ?? []) providerOf.set(p.api, i);
  });
  const n = input.services.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  input.services.forEach((s, i) => {
    const edges = [
      ...(s.spec.requires ?? []).map((r) => providerOf.get(r.api)),
      ...(s.spec.dependsOn ?? []).map((d) => index.get(d)),
    ];
    for (const p of edges) {
      if (p === undefined) continue;
      out[p]?.push(i);
      indegree[i] = (indegree[i] ?? 0) + 1;
    }
  });
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) order.push(v);
  for (let head = 0; head < order.length; head++) {
    for (const w of out[order[head] ?? 0] ?? []) {
      indegree[w] = (indegree[w] ?? 0) - 1;
      if (indegree[w] === 0) order.push(w);
    }
  }
  return order.length;
}

/**
 * Runs `work` untimed until it has run at least 3 times and for at least a second. A fleet built
 * just before its timed runs is still young: the first plans of it pay for moving it out of the
 * young generation, and the old-generation collections that follow. On this machine the
 * 10,000-service plan took 17, 16, 30, 20, 18 ms in its first five runs and 11–12 ms from the
 * twelfth on; the 100,000-service one settles after two or three runs. Timing the first runs made
 * the 10,000 figure slow and the growth ratio look better than it is.
 */
function settle(work: () => unknown): void {
  const start = performance.now();
  for (let r = 0; r < 3 || performance.now() - start < 1000; r++) work();
}

/**
 * Timed batches, and the old-generation collections that fell into one. All three fleets stay
 * alive through the rounds (115 MB of heap), so such a collection takes about 100 ms and lands
 * in whichever batch is running: in a 10,000 batch it adds the cost of marking the larger fleets
 * to the smaller fleet's time. The bench says how many batches it touched; the median over
 * rounds keeps a few of them from moving the figure. (Forcing a full collection before each batch
 * was tried: the young generation then starts small and the 10,000 plan measured 25–34 ms
 * instead of 16–18.)
 */
const batches: { start: number; end: number }[] = [];
const majorCollections: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR)
      majorCollections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  }
}).observe({ entryTypes: ["gc"] });

/** Wall time per run of `loops` runs of `work` in a row. */
function batch(loops: number, work: () => unknown): number {
  const start = performance.now();
  for (let r = 0; r < loops; r++) work();
  const end = performance.now();
  batches.push({ start, end });
  return (end - start) / loops;
}

const sizes = [1_000, 10_000, 100_000] as const;
/**
 * Runs per batch, so that each size's batch is about the same length of time (the 100,000 plan is
 * one run): the sizes of one round are then measured within a second of each other.
 */
const LOOPS: Record<(typeof sizes)[number], number> = { 1000: 50, 10000: 10, 100000: 1 };
/** Odd, so that a median is one round's figure. */
const ROUNDS = 21;

// Warm up the JIT on a different fleet until it has settled: on this machine a 10,000-service
// plan takes 145, 102, 54, 21, 23, 18 ms in its first six runs, so one warm-up plan of 1,000
// services left the 10,000 figure measuring the compiler, and flattered the growth ratio.
const warmUp = syntheticFleet(10_000, 7);
for (let i = 0; i < 8; i++) planRelease(warmUp);

interface Subject {
  readonly size: (typeof sizes)[number];
  readonly changed: number;
  waves: number;
  readonly plan: () => unknown;
  readonly topo: () => unknown;
  readonly planMs: number[];
  readonly topoMs: number[];
}
const subjects: Subject[] = sizes.map((size) => {
  const input = syntheticFleet(size);
  const subject: Subject = {
    size,
    changed: input.release.spec.changes.length,
    waves: 0,
    plan: () => {
      const result = planRelease(input);
      if (!result.feasible) throw new Error(`synthetic fleet of ${size} should be feasible`);
      subject.waves = result.environments[0]?.waves.length ?? 0;
    },
    topo: () => topologicalSort(input),
    planMs: [],
    topoMs: [],
  };
  return subject;
});
for (const subject of subjects) {
  settle(subject.plan);
  settle(subject.topo);
}

/**
 * The sizes are measured in interleaved rounds, not one after another. This machine's speed
 * drifts by a factor of two over seconds (10,000-service plans took 29–40 ms for a second, then
 * 15–16 ms, in one process; the plain topological sort of 100,000 services 284–552 ms from one run
 * of this bench to the next). Timed one after another, the sizes met different machines: seven
 * runs in a row gave growth ratios from 8.2x to 25.3x. In a round, each size runs a batch of about
 * the same length, in alternating order, so a round's sizes meet the same machine; the growth is
 * the median over rounds of each round's own ratio.
 */
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? subjects : [...subjects].reverse();
  for (const subject of order) {
    const loops = LOOPS[subject.size];
    subject.planMs.push(batch(loops, subject.plan));
    subject.topoMs.push(batch(loops, subject.topo));
  }
}

// The observer hears of collections only once the event loop has run a while.
await new Promise((resolve) => setTimeout(resolve, 200));
const inBatches = majorCollections.filter((gc) =>
  batches.some((b) => gc.start < b.end && gc.end > b.start),
).length;

const bySize = new Map(subjects.map((s) => [s.size, s]));
const tenK = bySize.get(10_000);
const hundredK = bySize.get(100_000);
if (tenK === undefined || hundredK === undefined) throw new Error("the bench needs both sizes");
const roundRatios = (over: (s: Subject) => number[]) =>
  over(hundredK).map((t, r) => t / (over(tenK)[r] ?? Number.NaN));
const growth = roundRatios((s) => s.planMs);
const baselineGrowth = roundRatios((s) => s.topoMs);

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      " ",
    )} on this machine; ${ROUNDS} interleaved rounds; times are medians over rounds (fastest round in brackets)`,
);
console.log("services   changed   waves        plan (ms)   topo sort (ms)   plan / topo sort");
for (const s of subjects) {
  const cell = (ms: number[]) => `${median(ms).toFixed(1)} (${Math.min(...ms).toFixed(1)})`;
  console.log(
    `${String(s.size).padStart(8)}  ${String(s.changed).padStart(8)}  ${String(s.waves).padStart(6)}` +
      `  ${cell(s.planMs).padStart(15)}  ${cell(s.topoMs).padStart(15)}  ${(median(s.planMs) / median(s.topoMs)).toFixed(1).padStart(16)}x`,
  );
}
const spread = (ratios: number[]) => {
  const sorted = [...ratios].sort((a, b) => a - b);
  const q = (f: number) => (sorted[Math.round(f * (sorted.length - 1))] ?? 0).toFixed(1);
  return `rounds ${q(0)}–${q(1)}x, middle half ${q(0.25)}–${q(0.75)}x`;
};
const tenKMs = median(tenK.planMs);
const growthMedian = median(growth);
const underOneSecond = tenKMs < 1000;
const linear = growthMedian <= 15;
console.log(
  `target: 10,000 services in < 1 s: ${tenKMs.toFixed(0)} ms — ${underOneSecond ? "met" : "NOT met"}`,
);
console.log(
  `target: 100,000 within 15x of 10,000: ${growthMedian.toFixed(1)}x — ${linear ? "met" : "NOT met"} (${spread(growth)})`,
);
console.log(
  `baseline: the topological sort grows ${median(baselineGrowth).toFixed(1)}x on the same fleets (${spread(baselineGrowth)})`,
);
// The ratio of the fastest rounds, for comparison: the fastest 10,000 and 100,000 batches need not
// have met the same machine, so it is not the figure, but it is what best-of-N methods report.
const fastestGrowth = Math.min(...hundredK.planMs) / Math.min(...tenK.planMs);
console.log(`for comparison, fastest 100,000 round / fastest 10,000 round: ${fastestGrowth.toFixed(1)}x`);
console.log(`old-generation collections inside timed batches: ${inBatches} of ${batches.length} batches`);
if (!underOneSecond || !linear) process.exitCode = 1;
