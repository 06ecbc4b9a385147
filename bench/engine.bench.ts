// npm run bench:engine — 1,000 runs x 10 no-op steps through the engine, on SQLite and PostgreSQL;
// the baseline is the same number of bare claim-and-complete transactions on the same database
// without the engine. Prints step transitions/s, dispatch latency p50/p99 (ready -> claimed), ratios.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import type { PlannedStep, RunPlan } from "../src/core/run/run-plan.js";
import type { StepGatePort } from "../src/core/run/run-store-port.js";
import type { StepHandler } from "../src/core/run/step-handler.js";
import { HandlerRegistry } from "../src/engine/handler-registry.js";
import { Worker } from "../src/engine/worker.js";
import { openStore, type Store } from "../src/store/store.js";
import { verdict } from "./measure.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const STEPS = 10;
const PG_URL = process.env.UPSHIFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const noop: StepHandler = { kind: "noop", revertible: false, reconcile: async () => ({ kind: "succeeded" }) };

function plan(i: number): RunPlan {
  const steps: PlannedStep[] = [];
  for (let s = 0; s < STEPS; s++) {
    const wave = Math.floor(s / 2);
    steps.push({
      key: `s${s}`,
      kind: "noop",
      service: `svc-${i}-${s}`,
      wave,
      dependsOn: steps.filter((p) => p.wave === wave - 1).map((p) => p.key),
      input: {},
    });
  }
  return { release: `bench-${i}`, environment: "bench", steps };
}

// This process's CPU time (user + system): on a shared machine it drifts far less than wall time.
const cpuOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * Dispatch latency (ready -> claimed) when work arrives at a steady pace below capacity, as in
 * production; with 10,000 steps ready at once the figure would only measure the queue.
 */
async function paceLatency(
  store: Store,
  runsPerSecond: number,
  seconds: number,
): Promise<{ p50: number; p99: number; samples: number }> {
  const latencies: number[] = [];
  const worker = new Worker({
    id: "pace",
    store: store.runs,
    wakeUps: store.wakeUps,
    handlers: new HandlerRegistry([noop]),
    concurrency: 8,
    pollMs: 200,
    onDispatch: (_s, ms) => latencies.push(ms),
  });
  worker.start();
  const total = runsPerSecond * seconds;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / runsPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await store.runs.createRun(plan(100_000 + i), { startedBy: null, now: Date.now() });
  }
  for (;;) {
    const left = await sql<{ n: number }>`select count(*) as n from runs where phase <> 'Succeeded'`.execute(
      store.database.db,
    );
    if (Number(left.rows[0]?.n) === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await worker.stop();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length };
}

// Server workers always carry the change gate; steps of runs without a change must never reach it.
let gateChecks = 0;
const stepGate: StepGatePort = {
  check: async () => {
    gateChecks += 1;
    return undefined;
  },
};

async function engineRun(
  stores: Store[],
): Promise<{ seconds: number; cpuSeconds: number; transitions: number; p50: number; p99: number }> {
  const first = stores[0] as Store;
  for (let i = 0; i < RUNS; i++) await first.runs.createRun(plan(i), { startedBy: null, now: Date.now() });
  // 10,000 rows appeared in seconds: give PostgreSQL's planner the statistics autovacuum would
  // gather on a live system, so it picks the due_at index (the baseline table is analyzed too).
  if (first.database.dialect === "postgres") await sql`analyze steps, runs`.execute(first.database.db);
  const latencies: number[] = [];
  const workers = stores.map(
    (store, i) =>
      new Worker({
        id: `bench-${i}`,
        store: store.runs,
        wakeUps: store.wakeUps,
        handlers: new HandlerRegistry([noop]),
        concurrency: 8,
        pollMs: 200,
        onDispatch: (_s, ms) => latencies.push(ms),
        stepGate,
      }),
  );
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  for (const w of workers) w.start();
  for (;;) {
    const left = await sql<{ n: number }>`select count(*) as n from runs where phase <> 'Succeeded'`.execute(
      first.database.db,
    );
    if (Number(left.rows[0]?.n) === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuOf(process.cpuUsage(cpuStarted));
  await Promise.all(workers.map((w) => w.stop()));
  latencies.sort((a, b) => a - b);
  // Each step goes ready -> running -> succeeded: two transitions.
  return {
    seconds,
    cpuSeconds,
    transitions: RUNS * STEPS * 2,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** The same work without the engine: claim a batch in one statement, complete each in its own transaction. */
async function bareRun(store: Store): Promise<{ seconds: number; cpuSeconds: number; transitions: number }> {
  const db = store.database.db;
  await sql`create table bench_steps (id integer primary key, state text not null, owner text, ready_at bigint)`.execute(
    db,
  );
  const total = RUNS * STEPS;
  for (let i = 0; i < total; i += 500) {
    const values = Array.from(
      { length: Math.min(500, total - i) },
      (_, k) => sql`(${i + k}, 'ready', null, ${Date.now()})`,
    );
    await sql`insert into bench_steps (id, state, owner, ready_at) values ${sql.join(values)}`.execute(db);
  }
  const skip = store.database.dialect === "postgres" ? sql`for update skip locked` : sql``;
  if (store.database.dialect === "postgres") await sql`analyze bench_steps`.execute(db);
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const claimed = await sql<{
        id: number;
      }>`update bench_steps set state = 'running', owner = 'w' where id in (select id from bench_steps where state = 'ready' order by ready_at limit 8 ${skip}) returning id`.execute(
        db,
      );
      if (claimed.rows.length === 0) return;
      await Promise.all(
        claimed.rows.map((r) =>
          db
            .transaction()
            .execute((trx) =>
              sql`update bench_steps set state = 'succeeded' where id = ${r.id} and owner = 'w'`.execute(trx),
            ),
        ),
      );
    }
  };
  await worker();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuOf(process.cpuUsage(cpuStarted));
  await sql`drop table bench_steps`.execute(db);
  return { seconds, cpuSeconds, transitions: total * 2 };
}

async function withSqlite<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "upshift-bench-"));
  const store = await openStore({ dataDir: dir });
  try {
    return await work(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPostgres<T>(replicas: number, work: (stores: Store[]) => Promise<T>): Promise<T> {
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  const stores: Store[] = [];
  for (let i = 0; i < replicas; i++) stores.push(await openStore({ databaseUrl: PG_URL, pgSchema: schema }));
  try {
    return await work(stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Engine and baseline alternate, round after round, on the same database: on a shared machine the
 * load drifts within seconds, so each round's ratio compares neighbours and the median is reported.
 */
async function rounds(name: string, open: (work: (stores: Store[]) => Promise<void>) => Promise<void>) {
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const engines: number[] = [];
  const bares: number[] = [];
  let p50 = 0;
  let p99 = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await open(async (stores) => {
      const engine = await engineRun(stores);
      const bare = await bareRun(stores[0] as Store);
      const e = engine.transitions / engine.seconds;
      const b = bare.transitions / bare.seconds;
      engines.push(e);
      bares.push(b);
      ratios.push(e / b);
      cpuRatios.push(engine.transitions / engine.cpuSeconds / (bare.transitions / bare.cpuSeconds));
      p50 = engine.p50;
      p99 = engine.p99;
    });
  }
  const ratio = median(ratios);
  console.log(
    `${name}: engine ${Math.round(median(engines))} transitions/s (change checks: ${gateChecks}), baseline ${Math.round(median(bares))} transitions/s (medians of ${ROUNDS} rounds), ratio ${ratio.toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")}; target >= 0.5: ${verdict(ratio >= 0.5)}); per CPU-second of this process: ratio ${median(cpuRatios).toFixed(2)} (${cpuRatios.map((r) => r.toFixed(2)).join(", ")}); dispatch with everything queued at once: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`,
  );
  return { e: median(engines) };
}

console.log(`${RUNS} runs x ${STEPS} no-op steps (waves of 2), ${ROUNDS} rounds of engine then baseline`);
const only = process.env.BENCH_DB;
if (only !== "postgres") await rounds("sqlite", (work) => withSqlite((store) => work([store])));
const paced = only === "postgres" ? undefined : await withSqlite((store) => paceLatency(store, 20, 5));
if (paced)
  console.log(
    `sqlite dispatch latency at a steady 20 runs/s (200 steps/s): p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms over ${paced.samples} claims (target p99 < 50 ms: ${verdict(paced.p99 < 50)})`,
  );
if (only === "sqlite") process.exit(0);
const one = await rounds("postgres, 1 replica", (work) => withPostgres(1, work));
const three = await rounds("postgres, 3 replicas", (work) => withPostgres(3, work));
console.log(
  `postgres 3 replicas / 1 replica throughput: ${(three.e / one.e).toFixed(2)} (no slower than one: ${verdict(three.e >= one.e * 0.95)})`,
);
