import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcileTables } from "../../src/adapters/dbmigrate/reconcile.js";
import { addToChecksum, EMPTY_CHECKSUM } from "../../src/core/migrations/backfill-checksum.js";
import { backfillSql } from "../../src/core/migrations/backfill-sql.js";
import { BackfillCheckpointRepository } from "../../src/store/backfill-checkpoint-repository.js";
import { openDatabase } from "../../src/store/database.js";
import { seededRandom } from "../support/prng.js";
import { dropSchema, freshSchemaName, PG_URL } from "../support/store-targets.js";
import { CRASH_SPEC } from "./crash-spec.js";

const ROWS = 1_000_000;
const KILLS = 10;
const CHILD = fileURLToPath(new URL("./backfill-child.ts", import.meta.url));

interface ChildRun {
  readonly lines: string[];
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
}

/** Runs the backfill child; SIGKILLs it `delayMs` after it reports `killAtRows` rows done. */
function runChild(
  schema: string,
  dataDir: string,
  kill?: { killAtRows: number; delayMs: number },
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, PG_URL ?? "", schema, dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    let stderr = "";
    let buffer = "";
    let armed = kill !== undefined;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        const [word, , rows] = line.split(" ");
        if (armed && kill !== undefined && word === "batch" && Number(rows) >= kill.killAtRows) {
          armed = false;
          setTimeout(() => child.kill("SIGKILL"), kill.delayMs);
        }
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`backfill child exited ${code}:\n${stderr}`));
      else resolve({ lines, signal, code });
    });
  });
}

describe.skipIf(!PG_URL)("backfill crash test", () => {
  const schema = freshSchemaName();
  const dataDir = mkdtempSync(join(tmpdir(), "upshift-crash-"));
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(
      "CREATE TABLE items (id bigint PRIMARY KEY, qty int NOT NULL, price numeric NOT NULL, total numeric)",
    );
    await client.query(
      `INSERT INTO items SELECT g, 1 + g % 13, round((g % 1000) * 0.37, 2), NULL FROM generate_series(1, ${ROWS}) g`,
    );
    await client.query("CREATE TABLE items_plain (LIKE items INCLUDING ALL)");
    await client.query("INSERT INTO items_plain SELECT * FROM items");
    // The reference result: one plain UPDATE of every row.
    await client.query(`UPDATE items_plain SET total = ${CRASH_SPEC.expression}`);
    await client.query("VACUUM ANALYZE items");
  }, 60_000);
  afterAll(async () => {
    await client.end();
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("survives 10 SIGKILLs at seeded points, resumes each time from its checkpoint, and reconciles exactly", async () => {
    const random = seededRandom(20261127);
    const starts: { lastKey: string; rowsDone: number }[] = [];
    for (let i = 0; i < KILLS; i++) {
      // Kill point i lies in the i-th of 11 equal slices of the table, plus up to 60 ms of
      // further work, so kills land before, during and after checkpoint writes.
      const killAtRows = Math.floor(((i + random()) * ROWS) / (KILLS + 1));
      const run = await runChild(schema, dataDir, { killAtRows, delayMs: Math.floor(random() * 60) });
      expect(run.signal, `run ${i} should be killed, not finish: ${run.lines.slice(-2).join(" | ")}`).toBe(
        "SIGKILL",
      );
      const [, lastKey, rowsDone] = (run.lines[0] ?? "").split(" ");
      starts.push({ lastKey: lastKey ?? "", rowsDone: Number(rowsDone) });
    }
    const final = await runChild(schema, dataDir);
    expect(final.lines[final.lines.length - 1]).toBe(`completed ${ROWS}`);

    // Each run resumed from further on than the one before (its start is the last checkpoint).
    const resumedAt = starts.slice(1).map((s) => s.rowsDone);
    expect(resumedAt.every((rows, i) => rows > (starts[i]?.rowsDone ?? 0))).toBe(true);
    expect(starts[0]?.lastKey).toBe("-");

    // The checkpoint counted every row exactly once: same count and same additive checksum as the table.
    const database = await openDatabase({ dataDir });
    const checkpoint = await new BackfillCheckpointRepository(database).load(CRASH_SPEC.name);
    await database.close();
    const whole = await client.query(backfillSql(CRASH_SPEC, "bigint").tableChecksum);
    expect(checkpoint).toMatchObject({ state: "completed", rowsDone: ROWS });
    expect(addToChecksum(EMPTY_CHECKSUM, whole.rows[0].hash_sum)).toBe(checkpoint?.checksum);

    // And the table equals the plain UPDATE, range by range.
    const result = await reconcileTables(
      client,
      { source: "items_plain", target: "items", key: "id" },
      { chunkRows: 50_000 },
    );
    expect(result).toEqual({ kind: "match", rows: ROWS, chunks: 20 });
  }, 120_000);
});
