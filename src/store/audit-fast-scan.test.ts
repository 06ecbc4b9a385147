import { sql } from "kysely";
import type pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PG_URL, STORE_TARGETS, type StoreTarget } from "../../test/support/store-targets.js";
import { GENESIS, type StoredAuditRecord } from "../core/audit/audit-entry.js";
import { verifyChain } from "../core/audit/chain-verification.js";
import { entryHash } from "../core/audit/entry-hash.js";
import { fastScan } from "./audit-fast-scan.js";
import type { Store } from "./store.js";

/** Strings where a database's JSON escaping could differ from JSON.stringify, if anywhere. */
const AWKWARD = [
  "a\nb\tc",
  "\b\f\v\r",
  "\u0001\u001f\u007f",
  "é ✓ 😀",
  "\u2028\u2029",
  'quote " and \\ backslash',
  "/slash/",
];

describe.each(STORE_TARGETS)("fast verification on $name agrees with the core", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    await store.audit.append(
      Array.from({ length: 120 }, (_, i) => ({
        at: new Date(Date.UTC(2026, 10, 27, 10, i)).toISOString(),
        actor: AWKWARD[i % AWKWARD.length] ?? "",
        action: "change.edit",
        subject: `CHG-${i} ${AWKWARD[(i + 1) % AWKWARD.length]}`,
        data: { note: AWKWARD[(i + 2) % AWKWARD.length] ?? "", i },
      })),
    );
  });
  afterEach(async () => cleanup());

  const run = (text: string) => sql.raw(text).execute(store.database.db);
  const unguard = async () => {
    if (store.database.dialect === "sqlite") await run("drop trigger if exists audit_log_no_update");
    else await run("drop trigger if exists audit_log_no_change on audit_log");
  };
  /** The core's verdict over every record read plainly: what the fast path must reproduce. */
  const coreVerdict = async () => {
    const records: StoredAuditRecord[] = [];
    await store.audit.scan((batch) => records.push(...batch));
    return verifyChain(records);
  };

  it("verifies entries whose strings need escaping", async () => {
    expect(await store.audit.verify()).toEqual(await coreVerdict());
    expect(await store.audit.verify()).toMatchObject({ kind: "intact", verified: 120 });
    // All of it on the fast path: the database's escaping matched JSON.stringify, no record re-checked.
    let rechecks = 0;
    const fast = await fastScan(store.database, GENESIS, undefined, async () => {
      rechecks += 1;
      return undefined;
    });
    expect(fast).toMatchObject({ complete: true, verified: 120, last: await store.audit.head() });
    expect(rechecks).toBe(0);
  });

  it("verifies every character from U+0001 to U+00FF on the fast path, in text and in data", async () => {
    await store.audit.append(
      Array.from({ length: 255 }, (_, i) => {
        const c = String.fromCharCode(i + 1);
        return {
          at: new Date(Date.UTC(2026, 10, 28, 0, i)).toISOString(),
          actor: `a${c}`,
          action: c,
          subject: `${c}s`,
          data: { c },
        };
      }),
    );
    let rechecks = 0;
    const fast = await fastScan(store.database, GENESIS, undefined, async () => {
      rechecks += 1;
      return undefined;
    });
    expect(fast).toMatchObject({ complete: true, verified: 375, last: await store.audit.head() });
    expect(rechecks).toBe(0);
    expect(await store.audit.verify()).toEqual(await coreVerdict());
  });

  it("names a padded prev_hash (with every later hash recomputed) exactly as the core does", async () => {
    await unguard();
    // Rewrite entry 50 onwards: a prev_hash with two extra characters, each hash recomputed over it.
    const records: StoredAuditRecord[] = [];
    await store.audit.scan((batch) => records.push(...batch));
    let prev = `${records[48]?.hash}ab`;
    for (const r of records.slice(49)) {
      const sealed = entryHash(prev, r);
      await sql`update audit_log set prev_hash = ${prev}, hash = ${sealed} where seq = ${r.seq}`.execute(
        store.database.db,
      );
      prev = sealed;
    }
    const verdict = await store.audit.verify();
    expect(verdict.kind).toBe("tampered");
    expect(verdict).toEqual(await coreVerdict());
    expect(verdict.verified).toBe(49);
  });

  it("hands an edited entry to the core with the same positions and message", async () => {
    await unguard();
    await run(`update audit_log set data = '{"i":70,"note":"changed"}' where seq = 71`);
    const verdict = await store.audit.verify();
    expect(verdict).toEqual(await coreVerdict());
    expect(verdict).toMatchObject({
      kind: "tampered",
      verified: 70,
      finding: { kind: "edited", seq: 71, position: 70 },
    });
  });

  describe("split between two threads", () => {
    /** A threshold of 10 records makes the 120 split at 60: this thread takes 1–60, a worker 61–120. */
    const split = (options: Parameters<Store["audit"]["verify"]>[0] = {}) =>
      store.audit.verify({ parallelFrom: 10, ...options });

    it("verifies an intact log", async () => {
      expect(await split()).toEqual({ kind: "intact", verified: 120, head: await store.audit.head() });
      // The worker really took the second half.
      const fast = await fastScan(store.database, GENESIS, undefined, async () => undefined, {
        parallelFrom: 10,
      });
      expect(fast).toMatchObject({ complete: true, verified: 120, inWorker: 60 });
    });

    for (const seq of [30, 60, 61, 100, 120]) {
      it(`names an edit of entry ${seq} as the core does`, async () => {
        await unguard();
        await run(`update audit_log set data = '{"edited":true}' where seq = ${seq}`);
        const verdict = await split();
        expect(verdict).toEqual(await coreVerdict());
        expect(verdict).toMatchObject({ kind: "tampered", verified: seq - 1 });
      });
    }

    it("names a deletion at the seam as the core does", async () => {
      if (store.database.dialect === "sqlite") await run("drop trigger if exists audit_log_no_delete");
      else await unguard();
      await run("delete from audit_log where seq = 61");
      const verdict = await split();
      expect(verdict).toEqual(await coreVerdict());
      expect(verdict).toMatchObject({
        kind: "tampered",
        finding: { kind: "deleted", fromSeq: 61, toSeq: 61 },
      });
    });

    it("checks the anchor inside the worker's half", async () => {
      const records: StoredAuditRecord[] = [];
      await store.audit.scan((batch) => records.push(...batch));
      const anchor = { seq: 90, hash: "f".repeat(64) };
      const verdict = await split({ anchor });
      expect(verdict).toEqual(verifyChain(records, { anchor }));
      expect(verdict).toMatchObject({ kind: "tampered", finding: { kind: "rewritten", seq: 90 } });
    });
  });
});

describe.skipIf(!PG_URL)("PostgreSQL fast verification when its worker cannot help", () => {
  it("verifies the whole log on this thread when the worker's connection fails", async () => {
    const { store, cleanup } = await (STORE_TARGETS.find((t) => t.name === "postgres") as StoreTarget).open();
    try {
      await store.audit.append(
        Array.from({ length: 50 }, (_, i) => ({
          at: new Date(Date.UTC(2026, 10, 27, 0, i)).toISOString(),
          actor: "a",
          action: "b",
          subject: "c",
          data: { i },
        })),
      );
      const pool = store.database.pgPool as pg.Pool;
      // The pool keeps its open connection for this thread; the worker's new one goes to a closed port.
      (await pool.connect()).release();
      const options = pool.options as { connectionString?: string };
      const url = options.connectionString;
      options.connectionString = "postgres://postgres@127.0.0.1:1/test";
      try {
        const fast = await fastScan(store.database, GENESIS, undefined, async () => undefined, {
          parallelFrom: 10,
        });
        expect(fast).toMatchObject({
          complete: true,
          verified: 50,
          inWorker: 0,
          last: await store.audit.head(),
        });
      } finally {
        options.connectionString = url;
      }
    } finally {
      await cleanup();
    }
  });
});
