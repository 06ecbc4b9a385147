import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LINT_OPTIONS } from "./lint-check.js";
import { lintMigration } from "./lint-migration.js";
import { LINT_RULES } from "./lint-rules.js";
import { loadSqlParser } from "./sql-statements.js";

/** For each rule: SQL that must trigger it and SQL (often the safe pattern) that must not. */
interface RuleCase {
  readonly fails: readonly string[];
  readonly passes: readonly string[];
  /** Lint with this PostgreSQL major version instead of 17. */
  readonly postgresMajor?: number;
  /** A previous migration of the set, whose tables are "existing" and whose column types are known. */
  readonly history?: string;
}

const LOCKED = "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\n";

const CASES: Record<string, RuleCase | RuleCase[]> = {
  "add-not-null-column-without-default": {
    fails: ["ALTER TABLE users ADD COLUMN tier text NOT NULL;"],
    passes: [
      "ALTER TABLE users ADD COLUMN tier text NOT NULL DEFAULT 'basic';",
      "ALTER TABLE users ADD COLUMN tier text;",
      "CREATE TABLE plans (id bigint); ALTER TABLE plans ADD COLUMN tier text NOT NULL;",
    ],
  },
  "volatile-default": [
    {
      fails: [
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE users ADD COLUMN r float8 DEFAULT random();",
        "ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT clock_timestamp();",
        "ALTER TABLE users ADD COLUMN token text DEFAULT md5(random()::text);",
        "ALTER TABLE users ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;",
      ],
      passes: [
        "ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now();",
        "ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT CURRENT_TIMESTAMP;",
        "ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();",
      ],
    },
    {
      // Before PostgreSQL 11 every non-null default rewrote the table.
      postgresMajor: 10,
      fails: [
        "ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now();",
        "ALTER TABLE users ADD COLUMN n int DEFAULT 0;",
      ],
      passes: ["ALTER TABLE users ADD COLUMN n int DEFAULT NULL;", "ALTER TABLE users ADD COLUMN n int;"],
    },
  ],
  "set-not-null": [
    {
      fails: [
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        // Not validated yet: PostgreSQL still scans.
        "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT other;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      ],
      passes: [
        "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        "CREATE TABLE t (email text); ALTER TABLE t ALTER COLUMN email SET NOT NULL;",
        "ALTER TABLE users ADD CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_check;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      ],
    },
    {
      // PostgreSQL 11 cannot use the CHECK constraint to skip the scan.
      postgresMajor: 11,
      fails: [
        "ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      ],
      passes: ["ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"],
    },
  ],
  "constraint-without-not-valid": {
    fails: [
      "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
      "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);",
      "ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id);",
    ],
    passes: [
      "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
      "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0) NOT VALID;",
      "CREATE TABLE lines (order_id bigint REFERENCES orders (id), qty int CHECK (qty > 0));",
    ],
  },
  "change-column-type": [
    {
      history:
        "CREATE TABLE users (id int4 PRIMARY KEY, name varchar(40), bio text, price numeric(10,2), net cidr, born timestamp);",
      fails: [
        "ALTER TABLE users ALTER COLUMN id TYPE bigint;",
        "ALTER TABLE users ALTER COLUMN name TYPE varchar(20);",
        "ALTER TABLE users ALTER COLUMN bio TYPE varchar(100);",
        "ALTER TABLE users ALTER COLUMN price TYPE numeric(12,3);",
        "ALTER TABLE users ALTER COLUMN born TYPE timestamptz;",
        "ALTER TABLE users ALTER COLUMN name TYPE varchar(80) USING upper(name);",
        "ALTER TABLE users ALTER COLUMN unknown_column TYPE text;",
      ],
      passes: [
        "ALTER TABLE users ALTER COLUMN name TYPE varchar(80);",
        "ALTER TABLE users ALTER COLUMN name TYPE text;",
        "ALTER TABLE users ALTER COLUMN bio TYPE varchar;",
        "ALTER TABLE users ALTER COLUMN price TYPE numeric(14,2);",
        "ALTER TABLE users ALTER COLUMN price TYPE numeric;",
        "ALTER TABLE users ALTER COLUMN net TYPE inet;",
        // The column's type as changed earlier in the same file counts.
        "ALTER TABLE users ALTER COLUMN name TYPE varchar(50);\nALTER TABLE users ALTER COLUMN name TYPE text;",
      ],
    },
  ],
  "rename-column": {
    fails: ["ALTER TABLE users RENAME COLUMN email TO email_address;"],
    passes: [
      "CREATE TABLE t (a text); ALTER TABLE t RENAME COLUMN a TO b;",
      "ALTER TABLE users ADD COLUMN email_address text;",
    ],
  },
  "rename-table": {
    fails: ["ALTER TABLE users RENAME TO customers;"],
    passes: ["CREATE TABLE staging (a text); ALTER TABLE staging RENAME TO final;"],
  },
  "drop-column": {
    fails: ["ALTER TABLE users DROP COLUMN legacy_flag;"],
    passes: [
      "CREATE TABLE t (a text, b text); ALTER TABLE t DROP COLUMN b;",
      "ALTER TABLE users ALTER COLUMN legacy_flag DROP DEFAULT;",
    ],
  },
  "drop-table": {
    fails: ["DROP TABLE users;", "DROP TABLE IF EXISTS audit.events, sessions;"],
    passes: ["CREATE TABLE scratch (a int); DROP TABLE scratch;", "DROP VIEW IF EXISTS user_summary;"],
  },
  "drop-database": {
    fails: ["DROP DATABASE shop;", "DROP DATABASE IF EXISTS shop;"],
    passes: ["DROP SCHEMA IF EXISTS reports_old;"],
  },
  "create-index-non-concurrently": {
    fails: [
      "CREATE INDEX users_email_idx ON users (email);",
      "CREATE UNIQUE INDEX IF NOT EXISTS u ON users (email);",
    ],
    passes: [
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);",
      "CREATE TABLE t (a int); CREATE INDEX t_a_idx ON t (a);",
    ],
  },
  "drop-index-non-concurrently": {
    fails: ["DROP INDEX users_email_idx;", "DROP INDEX IF EXISTS public.users_email_idx;"],
    passes: [
      "DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;",
      "CREATE INDEX CONCURRENTLY tmp_idx ON users (email);\nDROP INDEX tmp_idx;",
    ],
  },
  "reindex-non-concurrently": {
    fails: ["REINDEX INDEX users_email_idx;", "REINDEX TABLE users;"],
    passes: ["REINDEX INDEX CONCURRENTLY users_email_idx;", "REINDEX TABLE CONCURRENTLY users;"],
  },
  "concurrently-in-transaction": {
    fails: [
      "BEGIN;\nCREATE INDEX CONCURRENTLY i ON users (email);\nCOMMIT;",
      "BEGIN;\nDROP INDEX CONCURRENTLY i;\nCOMMIT;",
      "START TRANSACTION;\nREINDEX INDEX CONCURRENTLY i;\nCOMMIT;",
      "BEGIN;\nALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;\nCOMMIT;",
    ],
    passes: [
      "BEGIN;\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON users (a);",
      "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;",
    ],
  },
  "add-unique-constraint": {
    fails: [
      "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
      "ALTER TABLE users ADD PRIMARY KEY (id);",
      "ALTER TABLE users ADD COLUMN handle text UNIQUE;",
    ],
    passes: [
      "CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;",
      "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;",
      "CREATE TABLE t (id bigint PRIMARY KEY, email text UNIQUE);",
    ],
  },
  "add-serial-column": {
    fails: [
      "ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;",
      "ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;",
    ],
    passes: ["ALTER TABLE events ADD COLUMN id bigint;", "CREATE TABLE t (id bigserial PRIMARY KEY);"],
  },
  "require-lock-timeout": {
    fails: [
      "ALTER TABLE users ADD COLUMN a text;",
      "SET lock_timeout = 0;\nALTER TABLE users ADD COLUMN a text;",
      "SET lock_timeout = '2s';\nRESET lock_timeout;\nALTER TABLE users ADD COLUMN a text;",
      "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCOMMIT;\nALTER TABLE users ADD COLUMN a text;",
      "CREATE INDEX CONCURRENTLY i ON users (a);",
    ],
    passes: [
      "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;",
      "SELECT set_config('lock_timeout', '2s', false);\nALTER TABLE users ADD COLUMN a text;",
      "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;",
      "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;",
    ],
  },
  "require-statement-timeout": {
    fails: [
      "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN a;",
      "SET statement_timeout = '0';\nTRUNCATE users;",
    ],
    passes: [
      `${LOCKED}ALTER TABLE users DROP COLUMN a;`,
      // VALIDATE scans for long but blocks nobody: a short statement_timeout would only kill it.
      "SET lock_timeout = '2s';\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
      // A concurrent build only waits for its lock; a statement_timeout would wrongly kill it.
      "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON users (a);",
    ],
  },
  "non-idempotent-statement": {
    fails: [
      "CREATE TABLE t (id bigint);",
      "CREATE INDEX CONCURRENTLY i ON users (a);",
      "DROP INDEX CONCURRENTLY i;",
      "ALTER TABLE users ADD COLUMN a text;",
      "ALTER TABLE users DROP COLUMN a;",
      "CREATE EXTENSION pgcrypto;",
      "CREATE VIEW v AS SELECT 1;",
    ],
    passes: [
      "CREATE TABLE IF NOT EXISTS t (id bigint);",
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON users (a);",
      "DROP INDEX CONCURRENTLY IF EXISTS i;",
      "ALTER TABLE users ADD COLUMN IF NOT EXISTS a text;",
      "CREATE OR REPLACE VIEW v AS SELECT 1;",
      "BEGIN;\nCREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN a text;\nCOMMIT;",
    ],
  },
  "prefer-bigint-keys": {
    fails: [
      "CREATE TABLE t (id int PRIMARY KEY);",
      "CREATE TABLE t (id serial);",
      "CREATE TABLE t (id integer, PRIMARY KEY (id));",
      "CREATE TABLE t (user_id int REFERENCES users (id));",
      "ALTER TABLE t ADD COLUMN id int GENERATED BY DEFAULT AS IDENTITY;",
    ],
    passes: [
      "CREATE TABLE t (id bigint PRIMARY KEY, quantity int);",
      "CREATE TABLE t (id bigserial, user_id bigint REFERENCES users (id));",
    ],
  },
  "prefer-timestamptz": {
    fails: ["CREATE TABLE t (at timestamp);", "ALTER TABLE t ADD COLUMN at timestamp(3) without time zone;"],
    passes: ["CREATE TABLE t (at timestamptz);", "CREATE TABLE t (at timestamp with time zone, d date);"],
  },
  "prefer-text-over-char": {
    fails: ["CREATE TABLE t (code char(2));", "CREATE TABLE t (code character(10));"],
    passes: ["CREATE TABLE t (code varchar(2), name text);"],
  },
  "truncate-cascade": {
    fails: ["TRUNCATE users CASCADE;"],
    passes: ["TRUNCATE users, sessions;"],
  },
  "transaction-nesting": {
    fails: ["BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;", "SELECT 1;\nCOMMIT;", "ROLLBACK;"],
    passes: ["BEGIN;\nSAVEPOINT a;\nROLLBACK TO SAVEPOINT a;\nCOMMIT;\nBEGIN;\nCOMMIT;"],
  },
  "transaction-unterminated": {
    fails: ["BEGIN;\nALTER TABLE users ADD COLUMN a text;", "BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;"],
    passes: ["BEGIN;\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;", "BEGIN;\nSELECT 1;\nROLLBACK;"],
  },
  "ack-missing-reason": {
    fails: ["-- upshift-lint-ack: drop-column\nALTER TABLE users DROP COLUMN a;"],
    passes: ["-- upshift-lint-ack: drop-column nobody reads it since v41\nALTER TABLE users DROP COLUMN a;"],
  },
  "ack-unknown-rule": {
    fails: [
      "-- upshift-lint-ack: drop-collumn typo\nALTER TABLE users DROP COLUMN a;",
      "-- upshift-lint-ack: syntax-error cannot silence\nSELECT 1;",
    ],
    passes: ["-- upshift-lint-ack: drop-column v41 stopped reading it\nALTER TABLE users DROP COLUMN a;"],
  },
  "ack-unused": {
    fails: [
      "-- upshift-lint-ack: drop-column stale\nALTER TABLE users ADD COLUMN IF NOT EXISTS a text;",
      "SELECT 1;\n-- upshift-lint-ack: drop-column at the end of the file\n",
    ],
    passes: ["-- upshift-lint-ack: drop-column v41 stopped reading it\nALTER TABLE users DROP COLUMN a;"],
  },
  "phase-header-invalid": {
    fails: ["-- upshift: phase=expnad\nSELECT 1;"],
    passes: ["-- upshift: phase=expand\nSELECT 1;", "-- a comment\n-- upshift: phase=contract\nSELECT 1;"],
  },
  "syntax-error": {
    fails: ["ALTER TABLE users ADD COLUMN;", "SELECT 'unterminated;"],
    // The binding throws on any output containing ERROR; the linter must still read these.
    passes: [
      "SELECT 'ERROR' AS level;",
      "COMMENT ON TABLE users IS 'ERROR states live here';",
      "-- only a comment\n",
      "",
    ],
  },
};

function ruleIdsOf(sql: string, c: RuleCase): string[] {
  const options = {
    ...DEFAULT_LINT_OPTIONS,
    postgresMajor: c.postgresMajor ?? DEFAULT_LINT_OPTIONS.postgresMajor,
  };
  const catalog =
    c.history === undefined ? new Map() : lintMigration("V1__history.sql", c.history, options).catalog;
  return lintMigration("V2__case.sql", sql, options, catalog).lint.findings.map((f) => f.ruleId);
}

beforeAll(loadSqlParser);

describe("lint rules", () => {
  it("has failing and passing examples for every rule", () => {
    for (const rule of LINT_RULES) {
      const cases = [CASES[rule.id] ?? []].flat();
      expect(cases.flatMap((c) => c.fails).length, rule.id).toBeGreaterThan(0);
      expect(cases.flatMap((c) => c.passes).length, rule.id).toBeGreaterThan(0);
    }
  });

  it("are all documented for DBAs in docs/migrations.md with their allowed phases", () => {
    const docs = readFileSync(new URL("../../../docs/migrations.md", import.meta.url), "utf8");
    for (const rule of LINT_RULES) {
      // Cells are trimmed: the formatter pads the table's columns.
      const rows = docs.split("\n").map((line) => line.split("|").map((cell) => cell.trim()));
      const row = rows.find((cells) => cells[1] === `\`${rule.id}\``);
      expect(row, rule.id).toBeDefined();
      expect(row?.[row.length - 2], rule.id).toBe(rule.allowedPhases.join(", ") || "none");
    }
  });

  for (const [ruleId, entry] of Object.entries(CASES)) {
    describe(ruleId, () => {
      for (const c of [entry].flat()) {
        const version = c.postgresMajor === undefined ? "" : ` (PostgreSQL ${c.postgresMajor})`;
        for (const sql of c.fails) {
          it(`flags${version}: ${sql.replace(/\n/g, " ⏎ ")}`, () =>
            expect(ruleIdsOf(sql, c)).toContain(ruleId));
        }
        for (const sql of c.passes) {
          it(`accepts${version}: ${sql.replace(/\n/g, " ⏎ ")}`, () =>
            expect(ruleIdsOf(sql, c)).not.toContain(ruleId));
        }
      }
    });
  }
});
