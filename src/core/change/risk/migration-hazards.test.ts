import { beforeAll, describe, expect, it } from "vitest";
import { lintMigrationSet } from "../../migrations/lint-migration-set.js";
import { LINT_RULES } from "../../migrations/lint-rules.js";
import { readMigrationSet } from "../../migrations/migration-set.js";
import { loadSqlParser } from "../../migrations/sql-statements.js";
import type { ServiceMigrationFacts } from "../../planner/service-migration-facts.js";
import { computeRisk } from "./compute-risk.js";
import { hazardKindOfRule, migrationHazardsOf } from "./migration-hazards.js";

beforeAll(async () => {
  await loadSqlParser();
});

function linted(service: string, files: Record<string, string>): ServiceMigrationFacts {
  const set = readMigrationSet(Object.entries(files).map(([fileName, text]) => ({ fileName, text })));
  const lints = lintMigrationSet(set, {
    postgresMajor: 17,
    presetTimeouts: ["lock_timeout", "statement_timeout"],
  });
  return {
    service,
    directory: `db/${service}`,
    files: lints.map((lint) => ({
      name: lint.file.replace(/\.sql$/, ""),
      fileName: lint.file,
      lint,
      removedTables: [],
    })),
    problems: [],
  };
}

describe("migration hazards for the risk", () => {
  it("classifies every linter rule: breaking ones destructive, lock hazards locking, style none", () => {
    const kinds = Object.fromEntries(LINT_RULES.map((r) => [r.id, hazardKindOfRule(r.id) ?? "none"]));
    expect(kinds).toMatchObject({
      "drop-column": "destructive",
      "drop-table": "destructive",
      "rename-column": "destructive",
      "change-column-type": "destructive",
      "set-not-null": "destructive",
      "create-index-non-concurrently": "locking",
      "add-unique-constraint": "locking",
      "volatile-default": "locking",
      "prefer-timestamptz": "none",
      "non-idempotent-statement": "none",
      "ack-unused": "none",
    });
    expect(hazardKindOfRule("no-such-rule")).toBeUndefined();
  });

  it("turns findings into hazards naming rule and file:line, keeps acknowledged ones, and falls back to the contract phase", () => {
    const facts = linted("orders", {
      "V1__init.sql":
        "-- upshift: phase=expand\nCREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, state text, note text);\n",
      "V2__index.sql":
        "-- upshift: phase=expand\n-- upshift-lint-ack: create-index-non-concurrently orders has 200 rows\nCREATE INDEX IF NOT EXISTS orders_state ON orders (state);\n",
      "V3__drop.sql": "-- upshift: phase=contract\nALTER TABLE orders DROP COLUMN IF EXISTS note;\n",
      "V4__trigger.sql": "-- upshift: phase=contract\nDROP TRIGGER IF EXISTS t ON orders;\n",
    });
    const changes = [
      {
        service: "orders",
        migrations: [
          { name: "V2__index", phase: "expand" as const },
          { name: "V3__drop", phase: "contract" as const },
          { name: "V4__trigger", phase: "contract" as const },
        ],
      },
      { service: "web", migrations: [{ name: "V9__gone", phase: "contract" as const }] },
    ];
    const hazards = migrationHazardsOf(changes, ["orders"], [facts]);
    expect(hazards).toEqual([
      expect.objectContaining({
        migration: "V2__index",
        kind: "locking",
        rule: "create-index-non-concurrently",
        file: "db/orders/V2__index.sql:3",
        detail: expect.stringContaining("acknowledged: orders has 200 rows"),
      }),
      expect.objectContaining({
        migration: "V3__drop",
        kind: "destructive",
        rule: "drop-column",
        file: "db/orders/V3__drop.sql:2",
      }),
      {
        service: "orders",
        migration: "V4__trigger",
        kind: "destructive",
        detail: "contract phase removes what the previous version used",
      },
    ]);
    // Without the files, only the contract phase speaks.
    expect(
      migrationHazardsOf(changes, ["orders", "web"], undefined).map((h) => `${h.service}/${h.migration}`),
    ).toEqual(["orders/V3__drop", "orders/V4__trigger", "web/V9__gone"]);
    const risk = computeRisk({
      type: "normal",
      services: ["orders"],
      fleet: [{ name: "orders", tier: 1, dependsOn: [] }],
      waves: 1,
      migrationHazards: hazards,
      history: [],
      assessedAt: 0,
      window: undefined,
      freezes: [],
      coverageGaps: [],
    });
    const factor = risk.factors.find((f) => f.name === "migrations");
    expect(factor?.points).toBe(6 + 15 + 15);
    expect(factor?.fact).toContain("orders/V3__drop destructive: drop-column at db/orders/V3__drop.sql:2 (");
  });
});
