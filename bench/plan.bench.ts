/**
 * Release planner benchmark (issue 3): synthetic fleets of 1,000 / 10,000 / 100,000 services with
 * about 5 requirements each and 20% of services changed. Prints the planning time (in-process,
 * documents already parsed) beside a plain topological sort of the same dependency graph measured
 * in the same run; the ratio is the figure. Targets: 10,000 services planned in under 1 s, and
 * 100,000 within 15x of 10,000. Run: `npx tsx bench/plan.bench.ts`.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type { DocumentOf } from "../src/core/documents/document-kinds.js";
import type { ReleaseChange } from "../src/core/documents/kinds/release.js";
import { planRelease } from "../src/core/planner/plan-release.js";
import type { PlanInput } from "../src/core/planner/planning-fleet.js";

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

/** Least CPU time (user + system) of any run, per timed work, printed beside the wall times. */
const cpuMs = new Map<() => unknown, number>();

/**
 * Best of `runs` wall-clock times: on a shared machine other processes only ever add time, so
 * the fastest run is the least disturbed measurement of the work itself (as Python's timeit).
 * The least CPU time is kept too: it shows how much of a slow wall time was waiting for a core.
 */
function time(runs: number, work: () => unknown): number {
  settle(work);
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
    const used = process.cpuUsage(cpu);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
  }
  cpuMs.set(work, bestCpu);
  return best;
}

const sizes = [1_000, 10_000, 100_000];
const planMs = new Map<number, number>();
const topoMs = new Map<number, number>();
// Warm up the JIT on a different fleet until it has settled: on this machine a 10,000-service
// plan takes 145, 102, 54, 21, 23, 18 ms in its first six runs, so one warm-up plan of 1,000
// services left the 10,000 figure measuring the compiler, and flattered the growth ratio.
const warmUp = syntheticFleet(10_000, 7);
for (let i = 0; i < 8; i++) planRelease(warmUp);
// The same number of runs at every size: the best of fewer runs is a slower figure on average, so
// fewer at 100,000 (as before) biased the growth ratio upward.
const RUNS = 5;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} on this machine; times are best of ${RUNS}`,
);
console.log("services   changed   waves   plan (ms)   topo sort (ms)   ratio");
for (const size of sizes) {
  const input = syntheticFleet(size);
  let waves = 0;
  const planWork = () => {
    const result = planRelease(input);
    if (!result.feasible) throw new Error(`synthetic fleet of ${size} should be feasible`);
    waves = result.environments[0]?.waves.length ?? 0;
  };
  const topoWork = () => topologicalSort(input);
  const plan = time(RUNS, planWork);
  const topo = time(RUNS, topoWork);
  planMs.set(size, plan);
  topoMs.set(size, topo);
  console.log(
    `${String(size).padStart(8)}  ${String(input.release.spec.changes.length).padStart(8)}  ${String(waves).padStart(6)}` +
      `  ${plan.toFixed(1).padStart(10)}  ${topo.toFixed(1).padStart(15)}  ${(plan / topo).toFixed(1).padStart(6)}x` +
      `   (CPU ms: plan ${(cpuMs.get(planWork) ?? 0).toFixed(1)}, topo sort ${(cpuMs.get(topoWork) ?? 0).toFixed(1)})`,
  );
}
const tenK = planMs.get(10_000) ?? 0;
const growth = (planMs.get(100_000) ?? 0) / tenK;
const baselineGrowth = (topoMs.get(100_000) ?? 0) / (topoMs.get(10_000) ?? 1);
const underOneSecond = tenK < 1000;
const linear = growth <= 15;
console.log(
  `target: 10,000 services in < 1 s: ${tenK.toFixed(0)} ms — ${underOneSecond ? "met" : "NOT met"}`,
);
console.log(
  `target: 100,000 within 15x of 10,000: ${growth.toFixed(1)}x — ${linear ? "met" : "NOT met"}` +
    ` (the topological sort grows ${baselineGrowth.toFixed(1)}x on the same fleets)`,
);
if (!underOneSecond || !linear) process.exitCode = 1;
