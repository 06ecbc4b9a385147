import { beforeAll, describe, expect, it } from "vitest";
import type { DocumentOf } from "../documents/document-kinds.js";
import type { ReleaseChange } from "../documents/kinds/release.js";
import { lintMigrationSet } from "../migrations/lint-migration-set.js";
import { readMigrationSet } from "../migrations/migration-set.js";
import { removedTables } from "../migrations/removed-tables.js";
import { loadSqlParser } from "../migrations/sql-statements.js";
import { formatPlanMigrationProblem } from "./migration-gate.js";
import { planRelease } from "./plan-release.js";
import { checkPlanSafety } from "./plan-safety.js";
import type { PlanInput } from "./planning-fleet.js";
import type { ReleasePlan } from "./release-plan.js";
import type { ServiceMigrationFacts } from "./service-migration-facts.js";

beforeAll(loadSqlParser);

type Spec = DocumentOf<"Service">["spec"];
const service = (name: string, spec: Partial<Spec>): DocumentOf<"Service"> => ({
  apiVersion: "upshift.dev/v1alpha1",
  kind: "Service",
  metadata: { name },
  spec: { version: "1.0.0", ...spec },
});

/** What the adapter builds from a directory, built here from texts: the same core calls. */
function facts(serviceName: string, files: Record<string, string>): ServiceMigrationFacts {
  const set = readMigrationSet(Object.entries(files).map(([fileName, text]) => ({ fileName, text })));
  const lints = lintMigrationSet(set, {
    postgresMajor: 17,
    presetTimeouts: ["lock_timeout", "statement_timeout"],
  });
  return {
    service: serviceName,
    directory: `db/${serviceName}`,
    files: set.versioned.map((f, i) => ({
      name: f.fileName.replace(/\.sql$/, ""),
      fileName: f.fileName,
      lint: lints[i] ?? (undefined as never),
      removedTables: removedTables(f.text),
    })),
    problems: [],
  };
}

// payments provides v3; orders (a consumer of payments) moves to need it; web consumes orders.
const payments = service("payments", { provides: [{ api: "payments-api", version: "2.1.0" }] });
const orders = service("orders", {
  provides: [{ api: "orders-api", version: "2.3.0" }],
  requires: [{ api: "payments-api", range: "^2.0.0" }],
  migrations: { path: "db/orders" },
  retention: [{ table: "audit_log", period: "2555d" }],
});
const web = service("web", { requires: [{ api: "orders-api", range: "^2.0.0" }] });

const ordersFiles = {
  "V1__init.sql":
    "CREATE TABLE orders (id bigint PRIMARY KEY, state text);\nCREATE TABLE audit_log (id bigint PRIMARY KEY, line text);",
  "V2__add_status.sql": "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS status text;",
  "V3__drop_state.sql": "-- upshift: phase=contract\nALTER TABLE orders DROP COLUMN IF EXISTS state;",
  "V4__drop_audit.sql": "-- upshift: phase=contract\nDROP TABLE IF EXISTS audit_log;",
  "V5__bad_expand.sql":
    "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;\n\n  ALTER TABLE orders RENAME COLUMN state TO legacy_state;",
  "V6__acked_drop.sql":
    "-- upshift: phase=expand\n-- upshift-lint-ack: drop-column nobody reads it\nALTER TABLE orders DROP COLUMN IF EXISTS status;",
  "V7__no_header.sql": "UPDATE orders SET status = 'x';\nALTER TABLE orders RENAME COLUMN state TO s2;",
};

function input(migrations: ReleaseChange["migrations"], files = ordersFiles, extra = {}): PlanInput {
  return {
    services: [orders, payments, web],
    release: {
      apiVersion: "upshift.dev/v1alpha1",
      kind: "Release",
      metadata: { name: "r1" },
      spec: {
        environments: ["prod"],
        rollbackWindow: "24h",
        changes: [
          {
            service: "payments",
            version: "3.0.0",
            provides: [
              { api: "payments-api", version: "2.9.0" },
              { api: "payments-api", version: "3.0.0" },
            ],
          },
          {
            service: "orders",
            version: "2.4.0",
            requires: [{ api: "payments-api", range: "^3.0.0" }],
            ...(migrations === undefined ? {} : { migrations }),
          },
          { service: "web", version: "1.1.0" },
        ],
        ...extra,
      },
    },
    migrations: [facts("orders", files)],
  };
}

const stepsOf = (plan: ReleasePlan) =>
  (plan.environments[0]?.waves ?? []).flatMap((w) => w.steps.map((s) => ({ wave: w.index, ...s })));

describe("the planner's migration gate", () => {
  it("puts expand before the service's rollout and contract after every rollout, the window counted", () => {
    const plan = planRelease(
      input([
        { name: "V2__add_status", phase: "expand" },
        { name: "V3__drop_state", phase: "contract" },
      ]),
    );
    expect(plan.feasible).toBe(true);
    expect(plan.migrationProblems).toBeUndefined();
    expect(checkPlanSafety(input(undefined), plan)).toEqual([]);
    const steps = stepsOf(plan);
    const at = (kind: string, s: string) => steps.findIndex((x) => x.kind === kind && x.service === s);
    expect(at("migrate-expand", "orders")).toBeGreaterThanOrEqual(0);
    expect(at("migrate-expand", "orders")).toBeLessThan(at("rollout", "orders"));
    const contract = steps[at("migrate-contract", "orders")];
    // every rollout and verify, including web (the consumer of orders), comes in an earlier wave
    for (const s of steps.filter((x) => x.kind === "rollout" || x.kind === "verify"))
      expect(s.wave).toBeLessThan(contract?.wave ?? -1);
    const contractWave = plan.environments[0]?.waves.find((w) => w.index === contract?.wave);
    expect(contractWave?.estimateSeconds).toBeGreaterThanOrEqual(86_400);
    expect(contract).not.toHaveProperty("archive"); // V3 drops a column, no retained table
  });

  it("fails the plan with a breaking statement in an expand migration, at its file:line:column and rule", () => {
    const plan = planRelease(input([{ name: "V5__bad_expand", phase: "expand" }]));
    expect(plan.feasible).toBe(false);
    expect(plan.migrationProblems?.map(formatPlanMigrationProblem)).toEqual([
      expect.stringMatching(
        /^db\/orders\/V5__bad_expand\.sql:4:3 rename-column: orders V5__bad_expand: renames orders\.state/,
      ),
    ]);
    expect(plan.migrationProblems?.[0]).toMatchObject({ line: 4, column: 3, ruleId: "rename-column" });
  });

  it("does not let an acknowledgement make a drop safe for the old version", () => {
    const plan = planRelease(input([{ name: "V6__acked_drop", phase: "expand" }]));
    expect(plan.feasible).toBe(false);
    expect(plan.migrationProblems?.map((p) => p.ruleId)).toEqual(["drop-column"]);
  });

  it("lets the same drop through as a contract, and a migrate phase is held to its own rules", () => {
    expect(planRelease(input([{ name: "V3__drop_state", phase: "contract" }])).feasible).toBe(true);
    const migrate = planRelease(input([{ name: "V7__no_header", phase: "migrate" }]));
    expect(migrate.migrationProblems?.map((p) => p.ruleId)).toEqual(["rename-column"]);
  });

  it("names a migration the set lacks, with what it has, and a header that contradicts the release", () => {
    const missing = planRelease(input([{ name: "V9__nothing", phase: "expand" }]));
    expect(missing.feasible).toBe(false);
    expect(missing.migrationProblems?.[0]?.ruleId).toBe("migration-missing");
    expect(missing.migrationProblems?.[0]?.message).toContain("it has: V1__init, V2__add_status");
    const mismatch = planRelease(input([{ name: "V3__drop_state", phase: "expand" }]));
    expect(mismatch.migrationProblems?.map((p) => [p.ruleId, p.line])).toEqual([["phase-mismatch", 1]]);
  });

  it("requires an archive step before a contract drops a table under retention, and says so", () => {
    const plan = planRelease(input([{ name: "V4__drop_audit", phase: "contract" }]));
    expect(plan.feasible).toBe(true);
    const contract = stepsOf(plan).find((s) => s.kind === "migrate-contract");
    expect(contract).toMatchObject({
      archive: [
        {
          migration: "V4__drop_audit",
          table: "public.audit_log",
          how: "drop",
          archiveTable: "archive.audit_log",
          view: "public.audit_log",
          retention: "2555d",
        },
      ],
    });
  });

  it("archives a renamed or moved table too, into the rule's own archive schema", () => {
    const files = {
      ...ordersFiles,
      "V4__drop_audit.sql": "-- upshift: phase=contract\nALTER TABLE audit_log SET SCHEMA legacy;",
    };
    const custom = {
      ...orders,
      spec: {
        ...orders.spec,
        retention: [{ table: "public.audit_log", period: "30d", archiveSchema: "vault" }],
      },
    };
    const base = input([{ name: "V4__drop_audit", phase: "contract" }], files);
    const plan = planRelease({ ...base, services: [custom, payments, web] });
    const contract = stepsOf(plan).find((s) => s.kind === "migrate-contract");
    expect(contract).toMatchObject({ archive: [{ how: "set-schema", archiveTable: "vault.audit_log" }] });
  });

  it("plans as before when no migration sets were given (documents only)", () => {
    const { migrations: _, ...bare } = input([{ name: "V5__bad_expand", phase: "expand" }]);
    const plan = planRelease(bare);
    expect(plan.feasible).toBe(true);
    expect(plan).not.toHaveProperty("migrationProblems");
  });
});
