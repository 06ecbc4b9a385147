/**
 * Audit log benchmark (issue 7): append 1,000,000 entries in batches of 5,000 and verify the chain,
 * on SQLite (temporary directory) and PostgreSQL (UPSHIFT_TEST_DATABASE_URL or the local server, in
 * a schema of its own, dropped afterwards). The baseline inserts the same rows without the chain —
 * data as JSON.stringify, placeholder hashes of the same length, numbers counted locally, no head
 * read and no lock — through the same multi-row insert path and the same batches, into a table of
 * the same shape. Batches alternate between the two so machine load affects both alike.
 * Targets: append >= 20,000 entries/s on SQLite, >= 0.6 of the baseline; verify 1,000,000 in < 3 s.
 * On PostgreSQL both tables are vacuumed and analyzed (untimed) before the verification, which
 * otherwise races autovacuum working through the rows just written.
 * Beside wall-clock time it prints this process's CPU time: on a shared machine the wall clock
 * mostly measures the other processes (PostgreSQL's own work is not in the CPU figure).
 * Run: `npx tsx bench/audit.bench.ts` (BENCH_AUDIT_ENTRIES=100000 for a quick look).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { AuditRepository, type NewAuditEntry, writeRecords } from "../src/store/audit-repository.js";
import { type Database, openDatabase } from "../src/store/database.js";
import { verdict } from "./measure.js";

const TOTAL = Number(process.env.BENCH_AUDIT_ENTRIES ?? 1_000_000);
const BATCH = 5_000;
const PLACEHOLDER_HASH = "f".repeat(64);
const ACTIONS = ["change.approve", "run.signal", "notification.sent", "change.transition"];

/** A batch of entries shaped like the control plane's: a change, a transition, a comment. */
function batchOf(first: number): NewAuditEntry[] {
  return Array.from({ length: BATCH }, (_, k) => {
    const i = first + k;
    return {
      at: new Date(1_800_000_000_000 + i * 250).toISOString(),
      actor: i % 7 === 0 ? "system" : `user-${i % 13}`,
      action: ACTIONS[i % 4] as string,
      subject: `CHG-${i % 997}`,
      data: {
        change: `CHG-${i % 997}`,
        from: "Authorize",
        to: "Scheduled",
        comment: `reviewed ${i}`,
        level: i % 3,
      },
    };
  });
}

async function createBaselineTable(database: Database): Promise<void> {
  const seq = database.dialect === "sqlite" ? "integer" : "bigint";
  await sql`create table audit_plain (seq ${sql.raw(seq)} primary key, at text not null, actor text not null,
    action text not null, subject text not null, data text not null, prev_hash text not null, hash text not null)`.execute(
    database.db,
  );
}

interface Figures {
  readonly appendMs: number;
  readonly baselineMs: number;
  readonly verifyMs: number;
  /** CPU time of this process (user + system): on a shared machine, what the work itself costs. */
  readonly appendCpuMs: number;
  readonly baselineCpuMs: number;
  readonly verifyCpuMs: number;
  readonly verified: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function runOn(database: Database): Promise<Figures> {
  const audit = new AuditRepository(database);
  await createBaselineTable(database);
  let appendMs = 0;
  let baselineMs = 0;
  let appendCpuMs = 0;
  let baselineCpuMs = 0;
  for (let first = 0; first < TOTAL; first += BATCH) {
    const entries = batchOf(first);
    let t = performance.now();
    let cpu = process.cpuUsage();
    await database.db.transaction().execute((trx) =>
      writeRecords(trx, database.dialect, "audit_plain", entries.length, (from, to) =>
        entries.slice(from, to).map((e, k) => ({
          seq: first + from + k + 1,
          at: e.at,
          actor: e.actor,
          action: e.action,
          subject: e.subject,
          dataJson: JSON.stringify(e.data),
          prevHash: PLACEHOLDER_HASH,
          hash: PLACEHOLDER_HASH,
        })),
      ),
    );
    baselineMs += performance.now() - t;
    baselineCpuMs += cpuMs(cpu);
    t = performance.now();
    cpu = process.cpuUsage();
    await audit.append(entries);
    appendMs += performance.now() - t;
    appendCpuMs += cpuMs(cpu);
  }
  if (database.dialect === "postgres") {
    // Two million rows were just written: autovacuum would now vacuum and analyze both tables while
    // the verification runs, and the figure would measure it. Settle them first, as autovacuum
    // will have done long before anyone verifies a log this size (not timed).
    await sql`vacuum (analyze) audit_log`.execute(database.db);
    await sql`vacuum (analyze) audit_plain`.execute(database.db);
  }
  const t = performance.now();
  const cpu = process.cpuUsage();
  const result = await audit.verify();
  const verifyMs = performance.now() - t;
  const verifyCpuMs = cpuMs(cpu);
  if (result.kind !== "intact")
    throw new Error(`the benchmark chain does not verify: ${result.finding.message}`);
  return {
    appendMs,
    baselineMs,
    verifyMs,
    appendCpuMs,
    baselineCpuMs,
    verifyCpuMs,
    verified: result.verified,
  };
}

function report(name: string, f: Figures): boolean {
  const rate = (ms: number) => Math.round((TOTAL / ms) * 1000).toLocaleString("en");
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = f.baselineMs / f.appendMs;
  const appendOk = (name !== "sqlite" || (TOTAL / f.appendMs) * 1000 >= 20_000) && ratio >= 0.6;
  const verifyOk = f.verifyMs / (TOTAL / 1_000_000) < 3_000;
  const row = (label: string, ms: number, cpu: number) =>
    `  ${label.padEnd(22)}${rate(ms).padStart(9)} entries/s  ${seconds(ms).padStart(8)} wall  ${seconds(cpu).padStart(8)} cpu`;
  console.log(`\n${name}: ${TOTAL.toLocaleString("en")} entries in batches of ${BATCH.toLocaleString("en")}`);
  console.log(row("append (chained)", f.appendMs, f.appendCpuMs));
  console.log(row("baseline (no hashing)", f.baselineMs, f.baselineCpuMs));
  console.log(row("verify", f.verifyMs, f.verifyCpuMs));
  const appendTarget = name === "sqlite" ? ">= 0.6 and >= 20,000/s" : ">= 0.6";
  console.log(
    `  ratio append/baseline ${ratio.toFixed(2).padStart(9)}  ${verdict(appendOk)} (${appendTarget})`,
  );
  console.log(
    `  verify ${f.verified.toLocaleString("en")} entries in ${seconds(f.verifyMs)}  ${verdict(verifyOk)} (< 3 s per million, wall clock)`,
  );
  return appendOk && verifyOk;
}

async function sqlite(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), "upshift-audit-bench-"));
  const database = await openDatabase({ dataDir });
  try {
    return report("sqlite", await runOn(database));
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<boolean> {
  const url = process.env.UPSHIFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const pgSchema = `audit_bench_${process.pid}`;
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: url, pgSchema });
  } catch (error) {
    console.log(`\npostgres: skipped, cannot open ${url}: ${error instanceof Error ? error.message : error}`);
    return false;
  }
  try {
    return report("postgres", await runOn(database));
  } finally {
    await database.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists "${pgSchema}" cascade`);
    await client.end();
  }
}

console.log(
  `audit log benchmark; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
const ok = [await sqlite(), await postgres()].every(Boolean);
console.log(`\noverall: ${verdict(ok)}`);
