import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PG_URL } from "../support/store-targets.js";
import { freshDatabase, queryRows } from "./scratch-database.js";

const HARNESS = fileURLToPath(new URL("./migrate-cli.ts", import.meta.url));

function upshift(args: readonly string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", HARNESS, ...args], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1", UPSHIFT_DATABASE_URL: undefined, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const DOCS = `apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: { name: shop }
spec:
  version: 1.0.0
  migrations: { path: migrations }
  environments:
    staging: { parameters: { database-url: "env:UPSHIFT_VALIDATE_TARGET" } }
---
apiVersion: upshift.dev/v1alpha1
kind: Environment
metadata: { name: staging }
spec: { order: 0 }
`;

const V1 = `-- upshift: phase=expand
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, qty int NOT NULL, price numeric NOT NULL);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
INSERT INTO orders SELECT g, g % 50 + 1, g % 5 + 1, 2.5 FROM generate_series(1, 3000) g;`;
const V2 = `-- upshift: phase=expand
ALTER TABLE orders ADD COLUMN IF NOT EXISTS total numeric;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE customers ADD CONSTRAINT customers_name_set CHECK (name <> '') NOT VALID;`;
const V3 = `-- upshift: phase=migrate
-- upshift: backfill key=id
UPDATE orders SET total = qty * price;`;

const scratchDatabases = async () =>
  (
    await queryRows<{ datname: string }>(
      PG_URL ?? "",
      "SELECT datname FROM pg_database WHERE datname LIKE 'upshift_validate_%'",
    )
  ).map((r) => r.datname);

describe.skipIf(!PG_URL)("upshift migrate validate", { timeout: 120_000 }, () => {
  let dir: string;
  let target: Awaited<ReturnType<typeof freshDatabase>>;
  let env: Record<string, string>;
  const write = (name: string, text: string) => writeFileSync(join(dir, "migrations", name), text);
  const validate = (...extra: string[]) =>
    upshift(
      [
        "migrate",
        "validate",
        "--service",
        "shop",
        "--env",
        "staging",
        "-f",
        join(dir, "shop.yaml"),
        ...extra,
      ],
      env,
    );

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "upshift-validate-"));
    mkdirSync(join(dir, "migrations"));
    writeFileSync(join(dir, "shop.yaml"), DOCS);
    write("V1__init.sql", V1);
    target = await freshDatabase("upshift_vtarget");
    env = { UPSHIFT_VALIDATE_TARGET: target.url };
    // the environment's database has V1 applied; V2 and V3 are pending there
    const applied = upshift(
      ["migrate", "apply", "--dir", join(dir, "migrations"), "--database-url", target.url],
      env,
    );
    expect(applied.code, applied.stderr).toBe(0);
    write("V2__fk_and_total.sql", V2);
    write("V3__fill_total.sql", V3);
  });
  afterEach(async () => {
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("replays the history, runs the pending migrations and backfill, finds nothing wrong, and drops the scratch database", async () => {
    const before = await scratchDatabases();
    const result = validate("-o", "json");
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      replayed: ["V1__init"],
      pending: ["V2__fk_and_total", "V3__fill_total"],
      backfills: [{ name: "V3__fill_total.sql:3", rows: 3000, ranges: 1 }],
      problems: [],
      dropped: true,
    });
    expect(report.integrity.foreignKeys).toEqual([
      expect.objectContaining({ constraint: "orders_customer_fk", validated: false, orphans: 0 }),
    ]);
    expect(report.integrity.checks).toEqual([
      expect.objectContaining({ constraint: "customers_name_set", validated: false, violations: 0 }),
    ]);
    expect(await scratchDatabases()).toEqual(before);
    expect(report.scratchDatabase).toMatch(/^upshift_validate_[0-9a-f]{12}$/);
    // the target itself is untouched: V2 and V3 are still pending there
    expect(await queryRows(target.url, "SELECT count(*)::int AS n FROM upshift_schema_history")).toEqual([
      { n: 1 },
    ]);
  });

  it("finds orphans of a NOT VALID foreign key and rows breaking a NOT VALID check, exits 1, still drops", async () => {
    const seed = join(dir, "sample.sql");
    writeFileSync(
      seed,
      "INSERT INTO orders VALUES (9001, 777, 1, 1), (9002, 778, 1, 1), (9004, NULL, 2, 1); INSERT INTO customers VALUES (51, '');",
    );
    const before = await scratchDatabases();
    const result = validate("--seed", seed);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "FAILED: orders.orders_customer_fk (NOT VALID): 2 row(s) reference no row of customers, e.g. customer_id = (777), (778)",
    );
    expect(result.stdout).toContain(
      "FAILED: customers.customers_name_set: 1 row(s) break CHECK ((name <> ''::text)) NOT VALID",
    );
    expect(result.stdout).toMatch(/2 problem\(s\)$/m);
    expect(result.stderr).toMatch(/dropped scratch database upshift_validate_/);
    expect(await scratchDatabases()).toEqual(before);
  });

  it("checks the state between expand and contract too, where orphans a contract hides still matter", async () => {
    write(
      "V4__drop_fk.sql",
      "-- upshift: phase=contract\nALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_customer_fk;",
    );
    const seed = join(dir, "sample.sql");
    writeFileSync(seed, "INSERT INTO orders VALUES (9001, 777, 1, 1);");
    const result = validate("--seed", seed, "-o", "json");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.integrity.foreignKeys).toEqual([]);
    expect(report.problems).toEqual([
      "before contract: orders.orders_customer_fk (NOT VALID): 1 row(s) reference no row of customers, e.g. customer_id = (777)",
    ]);
  });

  it("reports a pending migration that fails, and drops the scratch database anyway", async () => {
    write(
      "V4__broken.sql",
      "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS note text REFERENCES nowhere (id);",
    );
    const before = await scratchDatabases();
    const result = validate();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED: .*relation "nowhere" does not exist/);
    expect(await scratchDatabases()).toEqual(before);
  });

  it("says where to set the database when the environment has none", () => {
    writeFileSync(
      join(dir, "shop.yaml"),
      DOCS.replace('staging: { parameters: { database-url: "env:UPSHIFT_VALIDATE_TARGET" } }', "staging: {}"),
    );
    const result = validate();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Service shop has no parameter "database-url" in environment staging');
  });
});
