import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, freshSchemaName, PG_URL } from "../support/store-targets.js";

const HARNESS = fileURLToPath(new URL("./migrate-cli.ts", import.meta.url));

function upshift(args: readonly string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", HARNESS, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1", UPSHIFT_DATABASE_URL: undefined },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("upshift migrate lint", () => {
  it("prints findings as JSON and exits 1 on a blocking one", () => {
    const dir = mkdtempSync(join(tmpdir(), "upshift-lint-"));
    try {
      writeFileSync(
        join(dir, "V1__drop.sql"),
        "-- upshift: phase=expand\nALTER TABLE orders DROP COLUMN IF EXISTS legacy;\n",
      );
      const result = upshift(["migrate", "lint", dir, "--output", "json"]);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report.blocking).toBe(true);
      expect(report.files[0].findings).toContainEqual(
        expect.objectContaining({ ruleId: "drop-column", line: 2, phaseViolation: true, blocking: true }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!PG_URL)("upshift migrate against PostgreSQL", { timeout: 120_000 }, () => {
  const schema = freshSchemaName();
  const dir = mkdtempSync(join(tmpdir(), "upshift-migrations-"));
  const store = mkdtempSync(join(tmpdir(), "upshift-store-"));
  const url = `${PG_URL}?options=-c%20search_path%3D${schema}`;
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.end();
    writeFileSync(
      join(dir, "V1__orders.sql"),
      "-- upshift: phase=expand\nCREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, price numeric NOT NULL);\nINSERT INTO orders SELECT g, g * 1.25 FROM generate_series(1, 5000) g ON CONFLICT DO NOTHING;\n",
    );
    writeFileSync(
      join(dir, "V2__cents.sql"),
      "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS cents bigint;\n",
    );
  });
  afterAll(async () => {
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
    rmSync(store, { recursive: true, force: true });
  });

  it("plans, applies, backfills with a progress bar, reconciles, and blocks on drift", () => {
    const plan = upshift(["migrate", "plan", "--dir", dir, "--database-url", url]);
    expect(plan.stdout).toContain(
      "1. V1__orders.sql (expand)\n2. V2__cents.sql (expand)\n2 migration(s) to apply",
    );
    const apply = upshift(["migrate", "apply", "--dir", dir, "--database-url", url]);
    expect(apply.code).toBe(0);
    expect(apply.stderr).toContain("applied V2__cents.sql (expand)");
    const spec = [
      "--database-url",
      url,
      "--table",
      "orders",
      "--key",
      "id",
      "--column",
      "cents",
      "--expression",
      "round(price * 100)::bigint",
    ];
    const backfill = upshift(["--data-dir", store, "migrate", "backfill", ...spec]);
    expect(backfill.code).toBe(0);
    expect(backfill.stdout).toMatch(/^completed: orders.cents 5000 rows in \d+ batches, last key 5000/);
    expect(backfill.stderr).toMatch(/\[#{30}\] 100% 5,000\/5,000 rows [\d,]+ rows\/s ETA 0s/);
    expect(upshift(["migrate", "reconcile", ...spec, "--chunk-rows", "1000"]).stdout).toBe(
      "reconciled: 5000 rows in 5 key ranges match\n",
    );

    writeFileSync(join(dir, "V1__orders.sql"), "-- upshift: phase=expand\nSELECT 1;\n");
    const status = upshift(["migrate", "status", "--dir", dir, "--database-url", url]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("V1__orders.sql  DRIFTED (checksum changed)");
    const blocked = upshift(["migrate", "apply", "--dir", dir, "--database-url", url]);
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain("V1__orders.sql was applied with a different checksum");
  });

  it("stops cleanly on Ctrl-C after the current batch and resumes from the checkpoint when run again", async () => {
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query("CREATE TABLE events (id bigint PRIMARY KEY, n int NOT NULL, doubled int)");
    await client.query("INSERT INTO events SELECT g, g, NULL FROM generate_series(1, 200000) g");
    const args = [
      "--data-dir",
      store,
      "migrate",
      "backfill",
      "--database-url",
      url,
      "--table",
      "events",
      "--key",
      "id",
    ];
    const spec = [...args, "--column", "doubled", "--expression", "n * 2", "--target-batch-ms", "20"];
    const child = spawn(process.execPath, ["--import", "tsx", HARNESS, ...spec], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      // One Ctrl-C stops after the batch; a second one would end the process at once.
      if (!interrupted && /rows\/s/.test(stderr)) {
        interrupted = true;
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(3);
    expect(stderr).toContain("stopping after the current batch");
    const stopped = /^cancelled: events.doubled (\d+) rows/.exec(stdout);
    expect(Number(stopped?.[1])).toBeGreaterThan(0);
    expect(Number(stopped?.[1])).toBeLessThan(200_000);
    const filled = await client.query("SELECT count(doubled)::int AS n FROM events");
    expect(filled.rows[0].n).toBe(Number(stopped?.[1]));

    const resumed = upshift(spec);
    expect(resumed.stdout).toMatch(/^completed: events.doubled 200000 rows/);
    const wrong = await client.query(
      "SELECT count(*)::int AS n FROM events WHERE doubled IS DISTINCT FROM n * 2",
    );
    expect(wrong.rows[0].n).toBe(0);
    await client.end();
  });
});
