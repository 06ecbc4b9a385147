import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { lintMigrationSet } from "./lint-migration-set.js";
import { migrationChecksum } from "./migration-checksum.js";
import { type AppliedMigration, compareWithHistory } from "./migration-history.js";
import { formatMigrationSetProblem, readMigrationSet } from "./migration-set.js";
import { loadSqlParser } from "./sql-statements.js";

const file = (fileName: string, text = `-- ${fileName}\nSELECT 1;\n`) => ({ fileName, text });

describe("readMigrationSet", () => {
  it("orders versioned files numerically, then repeatable ones by name, and skips other files", () => {
    const set = readMigrationSet([
      file("R__views.sql"),
      file("V10__add_index.sql"),
      file("README.md"),
      file("V2__add_column.sql"),
      file("R__functions.sql"),
      file("db/V1__init.sql"),
    ]);
    expect(set.versioned.map((f) => [f.version, f.name])).toEqual([
      [1, "init"],
      [2, "add_column"],
      [10, "add_index"],
    ]);
    expect(set.repeatable.map((f) => f.name)).toEqual(["functions", "views"]);
  });

  it("reports duplicate versions (V1 and V001 too), duplicate repeatables, gaps and misnamed files", () => {
    const set = readMigrationSet([
      file("V1__init.sql"),
      file("V001__also_init.sql"),
      file("V4__later.sql"),
      file("R__views.sql"),
      file("other/R__views.sql"),
      file("v5__lowercase.sql"),
      file("V6_single_underscore.sql"),
    ]);
    expect(set.problems.map(formatMigrationSetProblem)).toEqual([
      expect.stringMatching(/^v5__lowercase\.sql: expected V<number>__<name>\.sql/),
      expect.stringMatching(/^V6_single_underscore\.sql: expected/),
      "version 1 is used by V001__also_init.sql and V1__init.sql",
      "repeatable views is defined by R__views.sql and other/R__views.sql",
      "no migration between V1 and V4 (2 version(s) skipped)",
    ]);
    expect(set.problems.filter((p) => p.blocking).length).toBe(4);
  });

  it("reads the phase header of each file", () => {
    const set = readMigrationSet([
      file("V1__a.sql", "-- upshift: phase=expand\nSELECT 1;"),
      file("V2__b.sql", "-- upshift: phase=later\nSELECT 1;"),
      file("V3__c.sql", "SELECT 1;\n-- upshift: phase=contract"),
    ]);
    expect(set.versioned.map((f) => f.phaseHeader.kind)).toEqual(["declared", "invalid", "absent"]);
  });
});

describe("migrationChecksum", () => {
  it("ignores line endings, a byte-order mark and trailing whitespace, but not content", () => {
    const base = migrationChecksum("ALTER TABLE t ADD COLUMN a text;\nSELECT 1;\n");
    expect(migrationChecksum("\uFEFFALTER TABLE t ADD COLUMN a text;  \r\nSELECT 1;\r\n\r\n")).toBe(base);
    expect(migrationChecksum("ALTER TABLE t ADD COLUMN b text;\nSELECT 1;\n")).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is the same for any mix of CRLF and LF line endings (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z ;()]{0,20}$/), { maxLength: 8 }),
        fc.array(fc.boolean()),
        (lines, crlf) => {
          const lf = lines.join("\n");
          const mixed = lines
            .map((line, i) => line + (i < lines.length - 1 ? (crlf[i] ? "\r\n" : "\n") : ""))
            .join("");
          return migrationChecksum(lf) === migrationChecksum(mixed);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("compareWithHistory", () => {
  const v1 = file("V1__init.sql", "CREATE TABLE t (id bigint);");
  const v2 = file("V2__col.sql", "ALTER TABLE t ADD COLUMN a text;");
  const v3 = file("V3__idx.sql", "CREATE INDEX CONCURRENTLY i ON t (a);");
  const views = file("R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;");
  const row = (version: number | null, name: string, text: string): AppliedMigration => ({
    version,
    name,
    checksum: migrationChecksum(text),
  });

  it("lists applied and pending files in apply order", () => {
    const status = compareWithHistory(readMigrationSet([v3, v1, v2, views]), [row(1, "init", v1.text)]);
    expect(
      status.statuses.map((s) => `${s.kind} ${s.kind === "missing" ? s.applied.name : s.file.fileName}`),
    ).toEqual(["applied V1__init.sql", "pending V2__col.sql", "pending V3__idx.sql", "pending R__views.sql"]);
    expect(status.pending.map((f) => f.fileName)).toEqual(["V2__col.sql", "V3__idx.sql", "R__views.sql"]);
    expect(status.blocked).toBe(false);
  });

  it("blocks when an applied file changed, naming the file", () => {
    const history = [row(1, "init", "CREATE TABLE t (id int);"), row(2, "col", v2.text)];
    const status = compareWithHistory(readMigrationSet([v1, v2]), history);
    expect(status.statuses[0]).toMatchObject({ kind: "drifted", changed: ["checksum"] });
    expect(status.blocked).toBe(true);
    expect(status.blockReasons).toEqual([
      "V1__init.sql was applied with a different checksum; restore the applied text or add a new migration",
    ]);
  });

  it("reports renamed applied files as drift and deleted ones as missing", () => {
    const history = [row(1, "initial", v1.text), row(2, "col", v2.text), row(null, "old_views", views.text)];
    const status = compareWithHistory(readMigrationSet([v1]), history);
    expect(status.statuses.map((s) => s.kind)).toEqual(["drifted", "missing", "missing"]);
    expect(status.statuses[0]).toMatchObject({ changed: ["name"] });
  });

  it("re-applies a changed repeatable file instead of calling it drift, and flags late versions", () => {
    const history = [
      row(1, "init", v1.text),
      row(3, "idx", v3.text),
      row(null, "views", "CREATE VIEW v AS SELECT 0;"),
    ];
    const status = compareWithHistory(readMigrationSet([v1, v2, v3, views]), history);
    expect(status.statuses[1]).toMatchObject({ kind: "pending", outOfOrder: true });
    expect(status.statuses[3]).toMatchObject({ kind: "pending", reapply: true });
    expect(status.blocked).toBe(false);
  });

  it("blocks on a broken set (duplicate versions)", () => {
    const status = compareWithHistory(readMigrationSet([v1, file("V1__again.sql")]), []);
    expect(status.blockReasons).toEqual(["migration set: duplicate-version"]);
  });
});

describe("lintMigrationSet", () => {
  beforeAll(loadSqlParser);

  it("knows column types from earlier files, so widening a varchar is not a rewrite", () => {
    const set = readMigrationSet([
      file(
        "V1__init.sql",
        "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, name varchar(40), age int);",
      ),
      file(
        "V2__widen.sql",
        "SET lock_timeout = '1s';\nSET statement_timeout = '1s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(80);",
      ),
      file(
        "V3__age.sql",
        "SET lock_timeout = '1s';\nSET statement_timeout = '1s';\nALTER TABLE users ALTER COLUMN age TYPE bigint;",
      ),
    ]);
    const lints = lintMigrationSet(set);
    expect(lints.map((l) => l.findings.map((f) => `${f.ruleId}: ${f.message}`))).toEqual([
      [],
      [],
      ["change-column-type: changes users.age from int4 to int8: table rewrite under ACCESS EXCLUSIVE"],
    ]);
    expect(lints.map((l) => l.phase)).toEqual(["expand", "expand", "contract"]);
  });
});
