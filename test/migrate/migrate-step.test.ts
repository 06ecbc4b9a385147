import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pgMigrationStepRunner } from "../../src/adapters/dbmigrate/migration-step-runner.js";
import type { DocumentOf, UpshiftDocument } from "../../src/core/documents/document-kinds.js";
import type { StepContext, StepOutcome } from "../../src/core/run/step-handler.js";
import { migrateHandlers } from "../../src/engine/handlers/migrate-handler.js";
import { BackfillCheckpointRepository } from "../../src/store/backfill-checkpoint-repository.js";
import { type Database, openDatabase } from "../../src/store/database.js";
import { PG_URL } from "../support/store-targets.js";
import { freshDatabase, queryRows } from "./scratch-database.js";

const ROWS = 60_000;
const FILES: Record<string, string> = {
  "V1__orders.sql": `-- upshift: phase=expand
CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, qty int NOT NULL, price numeric NOT NULL);
INSERT INTO orders SELECT g, g % 7 + 1, (g % 100) / 4.0 FROM generate_series(1, ${ROWS}) g ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS audit_log (id bigint PRIMARY KEY, line text NOT NULL);
INSERT INTO audit_log SELECT g, 'event ' || g FROM generate_series(1, 2500) g ON CONFLICT DO NOTHING;`,
  "V2__total.sql": `-- upshift: phase=expand
ALTER TABLE orders ADD COLUMN IF NOT EXISTS total numeric;`,
  "V3__fill_total.sql": `-- upshift: phase=migrate
-- upshift: backfill key=id dual-write
UPDATE orders SET total = qty * price;`,
  "V4__drop_audit.sql": `-- upshift: phase=contract
DROP TABLE IF EXISTS audit_log;`,
};

interface Harness {
  handlers: ReturnType<typeof migrateHandlers>;
  readonly events: { type: string; data: Record<string, unknown> }[];
}

/**
 * The engine's StepContext, built by hand: the engine itself (leases, fencing, retries) is
 * tested in src/engine; here the target database, the files and the checkpoints are all real.
 */
function context(
  kind: string,
  migrations: string[],
  abort = new AbortController(),
  output: Record<string, unknown> = {},
): StepContext {
  let current = output;
  return {
    runId: "run-1",
    stepId: "step-1",
    key: `w0/${kind}/orders`,
    kind,
    service: "orders",
    environment: "staging",
    direction: "forward",
    attempt: 1,
    input: { migrations },
    get output() {
      return current;
    },
    signals: async () => [],
    fence: { stepId: "step-1", generation: 1 },
    abort: abort.signal,
    now: () => new Date(),
    idempotencyKey: (id) => `run-1/${kind}/${id}`,
    checkpoint: async (next) => {
      current = next;
    },
    log: () => undefined,
  };
}

describe.skipIf(!PG_URL)(
  "migrate-expand and migrate-contract steps on PostgreSQL",
  { timeout: 120_000 },
  () => {
    let dir: string;
    let target: Awaited<ReturnType<typeof freshDatabase>>;
    let control: Database;
    let docs: UpshiftDocument[];
    let harness: Harness;

    const service = (extra: Partial<DocumentOf<"Service">["spec"]> = {}): DocumentOf<"Service"> => ({
      apiVersion: "upshift.dev/v1alpha1",
      kind: "Service",
      metadata: { name: "orders" },
      spec: {
        version: "1.0.0",
        migrations: { path: "db/orders" },
        environments: { staging: { parameters: { "database-url": "env:UPSHIFT_TEST_ORDERS_DB" } } },
        retention: [{ table: "audit_log", period: "2555d" }],
        ...extra,
      },
    });

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "upshift-mstep-"));
      const migrations = join(dir, "db/orders");
      (await import("node:fs")).mkdirSync(migrations, { recursive: true });
      for (const [name, text] of Object.entries(FILES)) writeFileSync(join(migrations, name), text);
      target = await freshDatabase("upshift_mstep");
      process.env.UPSHIFT_TEST_ORDERS_DB = target.url;
      control = await openDatabase({ dataDir: dir });
      docs = [service()];
      const events: Harness["events"] = [];
      harness = {
        events,
        handlers: migrateHandlers({
          runner: pgMigrationStepRunner({
            documents: async () => docs,
            checkpoints: new BackfillCheckpointRepository(control),
            root: dir,
          }),
          events: async (_fence, e) => {
            events.push({ type: e.type, data: e.data });
            return true;
          },
        }),
      };
    });
    afterEach(async () => {
      delete process.env.UPSHIFT_TEST_ORDERS_DB;
      await control.close();
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const handler = (kind: string) => {
      const h = harness.handlers.find((x) => x.kind === kind);
      if (h === undefined) throw new Error(`no ${kind} handler`);
      return h;
    };
    const expand = ["V1__orders", "V2__total", "V3__fill_total"];
    const history = () =>
      queryRows<{ name: string; phase: string }>(
        target.url,
        "SELECT name, phase FROM upshift_schema_history ORDER BY installed_rank",
      );

    it("applies expand and its backfill with progress, converges on a rerun, and blocks on drift", async () => {
      const outcome = await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      expect(outcome).toMatchObject({ kind: "succeeded" });
      expect(outcome.kind === "succeeded" && outcome.output).toMatchObject({
        applied: expand,
        alreadyApplied: [],
        backfills: [{ name: "staging/orders/V3__fill_total.sql:3", rows: ROWS }],
      });
      expect((await history()).map((h) => `${h.name}:${h.phase}`)).toEqual([
        "orders:expand",
        "total:expand",
        "fill_total:migrate",
      ]);
      const [wrong] = await queryRows<{ n: string }>(
        target.url,
        "SELECT count(*) AS n FROM orders WHERE total IS DISTINCT FROM qty * price",
      );
      expect(Number(wrong?.n)).toBe(0);
      const progress = harness.events.filter((e) => e.type === "migration.backfill");
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.at(-1)?.data).toMatchObject({ rowsDone: ROWS, rowsTotal: ROWS, done: true });
      expect(progress.at(-1)?.data.message).toMatch(/100% 60000\/60000 rows, \d+ rows\/s, ETA/);
      expect(harness.events.map((e) => e.type)).toContain("migration.reconciled");
      // the dual-write trigger keeps rows written after the backfill right
      await queryRows(target.url, "INSERT INTO orders (id, qty, price) VALUES (1000001, 3, 2.5)");
      expect(await queryRows(target.url, "SELECT total::text FROM orders WHERE id = 1000001")).toEqual([
        { total: "7.5" },
      ]);

      const again = await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      expect(again).toMatchObject({ kind: "succeeded", output: { applied: [], alreadyApplied: expand } });
      expect(await history()).toHaveLength(3);

      writeFileSync(
        join(dir, "db/orders/V2__total.sql"),
        `${FILES["V2__total.sql"]}\nCOMMENT ON COLUMN orders.total IS 'x';`,
      );
      const drifted = await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      expect(drifted.kind).toBe("failed");
      expect(drifted).toMatchObject({
        retryable: false,
        message: expect.stringMatching(/^drift: .*V2__total\.sql/),
      });
    });

    it("resumes a backfill stopped mid-way at its checkpoint, without counting a row twice", async () => {
      const abort = new AbortController();
      harness.handlers = migrateHandlers({
        runner: pgMigrationStepRunner({
          documents: async () => docs,
          checkpoints: new BackfillCheckpointRepository(control),
          root: dir,
        }),
        events: async (_fence, e) => {
          harness.events.push({ type: e.type, data: e.data });
          if (e.type === "migration.backfill") abort.abort(new Error("lease lost"));
          return true;
        },
      });
      const stopped = await handler("migrate-expand")
        .reconcile(context("migrate-expand", expand, abort))
        .then(
          (o: StepOutcome) => o,
          (e: Error) => e,
        );
      expect(stopped).toBeInstanceOf(Error);
      expect(String(stopped)).toMatch(/stopped after key \d+; it resumes there/);
      const checkpoints = new BackfillCheckpointRepository(control);
      const midway = await checkpoints.load("staging/orders/V3__fill_total.sql:3");
      expect(midway?.rowsDone).toBeGreaterThan(0);
      expect(midway?.rowsDone).toBeLessThan(ROWS);
      expect((await history()).map((h) => h.name)).toEqual(["orders", "total"]); // V3 not recorded yet

      const resumed = await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      expect(resumed).toMatchObject({
        kind: "succeeded",
        output: { applied: ["V3__fill_total"], alreadyApplied: ["V1__orders", "V2__total"] },
      });
      const done = await checkpoints.load("staging/orders/V3__fill_total.sql:3");
      expect(done?.rowsDone).toBe(ROWS); // the batch in flight at the stop was not counted twice
      expect(done?.state).toBe("completed");
    });

    it("archives a retained table before the contract drops it, keeping a read-only view", async () => {
      await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      const outcome = await handler("migrate-contract").reconcile(
        context("migrate-contract", ["V4__drop_audit"]),
      );
      expect(outcome).toMatchObject({
        kind: "succeeded",
        output: {
          applied: ["V4__drop_audit"],
          archived: [{ table: "public.audit_log", archiveTable: "archive.audit_log", rows: 2500 }],
        },
      });
      expect(await queryRows(target.url, "SELECT count(*)::int AS n FROM archive.audit_log")).toEqual([
        { n: 2500 },
      ]);
      expect(
        await queryRows(
          target.url,
          "SELECT relkind::text AS k FROM pg_class WHERE oid = 'public.audit_log'::regclass",
        ),
      ).toEqual([{ k: "v" }]);
      expect(await queryRows(target.url, "SELECT line FROM audit_log WHERE id = 7")).toEqual([
        { line: "event 7" },
      ]);
      await expect(queryRows(target.url, "INSERT INTO audit_log VALUES (9999, 'x')")).rejects.toThrow(
        /read-only/,
      );
      await expect(queryRows(target.url, "DELETE FROM archive.audit_log")).rejects.toThrow(/read-only/);
      // the contract dropped the dual-write trigger of V3's backfill
      expect(
        await queryRows(
          target.url,
          "SELECT tgname FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND NOT tgisinternal",
        ),
      ).toEqual([]);
      const again = await handler("migrate-contract").reconcile(
        context("migrate-contract", ["V4__drop_audit"]),
      );
      expect(again).toMatchObject({
        kind: "succeeded",
        output: { applied: [], alreadyApplied: ["V4__drop_audit"] },
      });
    });

    it("fails with a message that says where to set the database, and which secret it could not read", async () => {
      docs = [service({ environments: {} })];
      const none = await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      expect(none).toMatchObject({ kind: "failed", retryable: false });
      expect(none.kind === "failed" && none.message).toContain(
        'configuration: Service orders has no parameter "database-url" in environment staging: set it in the Service\'s spec.environments.staging.parameters',
      );
      docs = [
        service({
          environments: { staging: { parameters: { "database-url": "env:UPSHIFT_NOT_SET_ANYWHERE" } } },
        }),
      ];
      const unread = await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      expect(unread.kind === "failed" && unread.message).toMatch(
        /env:UPSHIFT_NOT_SET_ANYWHERE .*cannot read/,
      );
      docs = [service({ migrations: { path: "db/nowhere" } })];
      const nodir = await handler("migrate-expand").reconcile(context("migrate-expand", expand));
      expect(nodir).toMatchObject({ kind: "failed", retryable: false });
      expect(nodir.kind === "failed" && nodir.message).toMatch(
        /cannot read migration directory .*db\/nowhere \(relative paths are relative to /,
      );
      docs = [service()];
      const missing = await handler("migrate-expand").reconcile(context("migrate-expand", ["V9__nope"]));
      expect(missing.kind === "failed" && missing.message).toMatch(/db\/orders has no V9__nope\.sql/);
    });
  },
);
