import { beforeAll, describe, expect, it } from "vitest";
import { migrationChecksum } from "./migration-checksum.js";
import { planMigrations } from "./migration-plan.js";
import { formatMigrationPlan, migrationStatusRows } from "./migration-plan-view.js";
import { readMigrationSet } from "./migration-set.js";
import { loadSqlParser } from "./sql-statements.js";

beforeAll(loadSqlParser);

const V1 =
  "-- upshift: phase=expand\nCREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, legacy text);";
const V2 = "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS cents bigint;";

describe("planMigrations", () => {
  it("lists pending files with their phase; the executor's own timeouts raise no finding", () => {
    const set = readMigrationSet([
      { fileName: "V1__orders.sql", text: V1 },
      { fileName: "V2__cents.sql", text: V2 },
    ]);
    const plan = planMigrations(set, [{ version: 1, name: "orders", checksum: migrationChecksum(V1) }]);
    expect(plan.blocked).toBe(false);
    expect(plan.pending.map((p) => [p.file.fileName, p.phase, p.findings.length])).toEqual([
      ["V2__cents.sql", "expand", 0],
    ]);
    expect(formatMigrationPlan(plan)).toBe("1. V2__cents.sql (expand)\n1 migration(s) to apply");
    expect(migrationStatusRows(plan)).toEqual([
      ["1", "V1__orders.sql", "applied"],
      ["2", "V2__cents.sql", "pending"],
    ]);
  });

  it("blocks on a breaking statement in a pending expand file, and on drift", () => {
    const drop = "-- upshift: phase=expand\nALTER TABLE orders DROP COLUMN IF EXISTS legacy;";
    const set = readMigrationSet([
      { fileName: "V1__orders.sql", text: `${V1}\nSELECT 1;` },
      { fileName: "V2__drop.sql", text: drop },
    ]);
    const plan = planMigrations(set, [{ version: 1, name: "orders", checksum: migrationChecksum(V1) }]);
    expect(plan.blocked).toBe(true);
    expect(plan.blockReasons).toEqual([
      "V1__orders.sql was applied with a different checksum; restore the applied text or add a new migration",
      "V2__drop.sql:2:1 drop-column: drops column orders.legacy",
    ]);
    expect(migrationStatusRows(plan)[0]).toEqual(["1", "V1__orders.sql", "DRIFTED (checksum changed)"]);
  });
});
