import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunPlan } from "../../src/core/run/run-plan.js";
import { startEngine } from "../../src/server/engine-runtime.js";
import type { Store } from "../../src/store/store.js";
import { PG_URL, STORE_TARGETS } from "../support/store-targets.js";
import { freshDatabase, queryRows } from "./scratch-database.js";

const ROWS = 30_000;
const FILES: Record<string, string> = {
  "V1__orders.sql": `CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, qty int NOT NULL, price numeric NOT NULL);
INSERT INTO orders SELECT g, g % 7 + 1, g % 13 FROM generate_series(1, ${ROWS}) g ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS ledger (id bigint PRIMARY KEY, entry text NOT NULL);
INSERT INTO ledger SELECT g, 'entry ' || g FROM generate_series(1, 100) g ON CONFLICT DO NOTHING;`,
  "V2__total.sql": "-- upshift: phase=expand\nALTER TABLE orders ADD COLUMN IF NOT EXISTS total numeric;",
  "V3__fill.sql":
    "-- upshift: phase=migrate\n-- upshift: backfill key=id\nUPDATE orders SET total = qty * price;",
  "V4__drop_ledger.sql": "-- upshift: phase=contract\nDROP TABLE IF EXISTS ledger;",
};

const plan: RunPlan = {
  release: "r1",
  environment: "staging",
  steps: [
    {
      key: "w0/migrate-expand/orders",
      kind: "migrate-expand",
      service: "orders",
      wave: 0,
      dependsOn: [],
      input: { migrations: ["V1__orders", "V2__total", "V3__fill"] },
    },
    {
      key: "w1/wait/rollback-window",
      kind: "wait",
      wave: 1,
      dependsOn: ["w0/migrate-expand/orders"],
      input: { duration: 0.3 },
    },
    {
      key: "w1/migrate-contract/orders",
      kind: "migrate-contract",
      service: "orders",
      wave: 1,
      dependsOn: ["w1/wait/rollback-window"],
      input: { migrations: ["V4__drop_ledger"] },
    },
  ],
};

describe.skipIf(!PG_URL).each(STORE_TARGETS)(
  "a run with migrate steps, control plane on $name",
  (storeTarget) => {
    let dir: string;
    let store: Store;
    let cleanup: () => Promise<void>;
    let target: Awaited<ReturnType<typeof freshDatabase>>;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "upshift-mrun-"));
      mkdirSync(join(dir, "orders"));
      for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, "orders", name), text);
      target = await freshDatabase("upshift_mrun");
      process.env.UPSHIFT_TEST_MRUN_DB = target.url;
      ({ store, cleanup } = await storeTarget.open());
      await store.documents.apply(
        [
          {
            name: "orders.yaml",
            text: `apiVersion: upshift.dev/v1alpha1
kind: Service
metadata: { name: orders }
spec:
  version: 1.0.0
  migrations: { path: ${join(dir, "orders")} }
  parameters: { database-url: "env:UPSHIFT_TEST_MRUN_DB" }
  retention: [{ table: ledger, period: 365d, archiveSchema: kept }]
`,
          },
        ],
        { actor: "test", now: new Date() },
      );
    });
    afterEach(async () => {
      delete process.env.UPSHIFT_TEST_MRUN_DB;
      await cleanup();
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("the engine runs expand with its backfill, waits the window, archives and contracts, with progress events", async () => {
      const { worker } = startEngine(store, { pollMs: 100 });
      try {
        const run = await store.runs.createRun(plan, { startedBy: "test", now: Date.now() });
        const end = Date.now() + 90_000;
        let phase = run.phase as string;
        while (Date.now() < end && !["Succeeded", "Failed", "Aborted"].includes(phase)) {
          await new Promise((r) => setTimeout(r, 200));
          phase = (await store.runs.getRun(run.id))?.run.phase ?? "?";
        }
        const state = await store.runs.getRun(run.id);
        expect(phase, JSON.stringify(state?.steps.map((s) => [s.key, s.state, s.message]))).toBe("Succeeded");
        const expand = state?.steps.find((s) => s.kind === "migrate-expand");
        expect(expand?.output).toMatchObject({
          applied: ["V1__orders", "V2__total", "V3__fill"],
          backfills: [{ name: "staging/orders/V3__fill.sql:3", rows: ROWS }],
        });
        const events = await store.runs.events(run.id);
        const backfill = events.filter((e) => e.type === "migration.backfill");
        expect(backfill.length).toBeGreaterThan(0);
        expect(backfill.at(-1)?.data).toMatchObject({
          rowsDone: ROWS,
          done: true,
          rowsPerSecond: expect.any(Number),
        });
        expect(backfill.at(-1)?.stepKey).toBe("w0/migrate-expand/orders");
        const types = events.map((e) => e.type);
        expect(types.indexOf("migration.archived")).toBeGreaterThan(types.indexOf("migration.reconciled"));
        expect(await queryRows(target.url, "SELECT count(*)::int AS n FROM kept.ledger")).toEqual([
          { n: 100 },
        ]);
        expect(await queryRows(target.url, "SELECT count(*)::int AS n FROM ledger")).toEqual([{ n: 100 }]); // the view
        expect(await queryRows(target.url, "SELECT count(*)::int AS n FROM upshift_schema_history")).toEqual([
          { n: 4 },
        ]);
      } finally {
        await worker.stop();
      }
    }, 120_000);
  },
);
