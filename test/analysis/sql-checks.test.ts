import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricCheck } from "../../src/adapters/checks/metric-check.js";
import { sqlIntegrityCheck } from "../../src/adapters/checks/sql-integrity-check.js";
import { sqlProvider } from "../../src/adapters/metrics/sql/sql-provider.js";
import { analysisMetricSpec } from "../../src/core/analysis/analysis-metric-spec.js";
import { SERVICES, uniqueName } from "./local-services.js";

interface Target {
  readonly name: string;
  url(): string;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

const sqliteDir = mkdtempSync(join(tmpdir(), "upshift-kpi-"));
const sqliteFile = join(sqliteDir, "shop.db");

const TARGETS: readonly (() => Promise<Target>)[] = [
  async () => {
    const db = new Database(sqliteFile);
    return {
      name: "SQLite",
      url: () => `sqlite:${sqliteFile}`,
      exec: async (sql) => {
        db.exec(sql);
      },
      close: async () => {
        db.close();
      },
    };
  },
  async () => {
    const client = new pg.Client({ connectionString: SERVICES.postgres });
    await client.connect();
    return {
      name: "PostgreSQL",
      url: () => SERVICES.postgres,
      exec: async (sql) => {
        await client.query(sql);
      },
      close: () => client.end(),
    };
  },
  async () => {
    const connection = await mysql.createConnection({ uri: SERVICES.mariadb, multipleStatements: true });
    return {
      name: "MariaDB",
      url: () => SERVICES.mariadb.replace(/^mysql:/, "mariadb:"),
      exec: async (sql) => {
        await connection.query(sql);
      },
      close: () => connection.end(),
    };
  },
];

afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));

describe.each(TARGETS.map((open, i) => [["SQLite", "PostgreSQL", "MariaDB"][i]!, open] as const))(
  "business KPI and data integrity on %s (real server)",
  (_name, open) => {
    const table = uniqueName("orders");
    let target: Target;
    const insert = (rows: readonly [string, string, number][]) =>
      target.exec(
        `insert into ${table} (region, status, amount) values ${rows.map(([r, s, a]) => `('${r}', '${s}', ${a})`).join(", ")}`,
      );

    beforeAll(async () => {
      target = await open();
      await target.exec(
        `create table ${table} (id integer primary key ${target.name === "MariaDB" ? "auto_increment" : target.name === "PostgreSQL" ? "generated always as identity" : ""}, region varchar(20) not null, status varchar(20) not null, amount numeric(10,2) not null)`,
      );
      await insert([
        ...Array.from({ length: 97 }, () => ["eu", "paid", 10] as [string, string, number]),
        ...Array.from({ length: 3 }, () => ["eu", "failed", 10] as [string, string, number]),
        ["us", "failed", 5],
      ]);
    });

    afterAll(async () => {
      await target?.exec(`drop table if exists ${table}`);
      await target?.close();
    });

    const kpi = () =>
      metricCheck({
        name: "order success rate",
        provider: sqlProvider({
          url: target.url(),
          query: `select sum(case when status = 'paid' then 1 else 0 end) * 1.0 / count(*) from ${table} where region = {{args.region}}`,
        }),
        metric: analysisMetricSpec({ name: "order-success", successCondition: "result >= 0.95" }),
        args: { region: "eu" },
      });

    it("passes while the KPI holds and fails when it drops", async () => {
      const before = await kpi().run();
      expect(before).toMatchObject({ kind: "passed", evidence: { result: 0.97 } });
      await insert(Array.from({ length: 12 }, () => ["eu", "failed", 10] as [string, string, number]));
      const after = await kpi().run();
      expect(after.kind).toBe("failed");
      expect(after.evidence.result).toBeCloseTo(97 / 112, 4); // MariaDB divides DECIMALs to 4 extra digits
      expect(after.message).toBe('order success rate: successCondition "result >= 0.95" is false');
    });

    it("binds arguments as parameters, so a hostile value cannot change the query", async () => {
      const hostile = sqlProvider({
        url: target.url(),
        query: `select count(*) from ${table} where region = {{args.region}}`,
      });
      expect(await hostile.measure({ args: { region: "eu' or '1'='1" } })).toBe(0);
      expect(await hostile.measure({ args: { region: "us" } })).toBe(1);
    });

    it("passes an integrity query with no rows and fails with the violating rows as evidence", async () => {
      const check = () =>
        sqlIntegrityCheck({
          name: "no negative amounts",
          url: target.url(),
          query: `select id, amount from ${table} where amount < 0`,
        });
      expect(await check().run()).toEqual({
        kind: "passed",
        message: "no negative amounts: no violating rows",
        evidence: { rows: 0 },
      });
      await insert([["eu", "refund", -4]]);
      const outcome = await check().run();
      expect(outcome).toMatchObject({
        kind: "failed",
        message: "no negative amounts: 1 violating row",
        evidence: { rows: 1 },
      });
      expect(Number((outcome.evidence.sample as { amount: string | number }[])[0]?.amount)).toBe(-4);
    });

    it("is an error when the query cannot run", async () => {
      const broken = metricCheck({
        name: "kpi",
        provider: sqlProvider({ url: target.url(), query: `select nope from ${table}` }),
        metric: analysisMetricSpec({ name: "kpi", successCondition: "result > 0" }),
      });
      expect(await broken.run()).toMatchObject({
        kind: "error",
        message: expect.stringContaining("query failed"),
      });
    });
  },
);
