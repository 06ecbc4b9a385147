import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/prng.js";
import { STORE_TARGETS } from "../../test/support/store-targets.js";
import type { ChainPoint } from "../core/audit/audit-entry.js";
import { verifyChain } from "../core/audit/chain-verification.js";
import { entryHash } from "../core/audit/entry-hash.js";
import { AuditRepository, type NewAuditEntry, readAnchorFile } from "./audit-repository.js";
import { openDatabase } from "./database.js";
import type { Store } from "./store.js";

/** Audit entries with varied data: nested objects, unicode, numbers that canonicalize specially. */
function entries(count: number, seed: number): NewAuditEntry[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    at: new Date(Date.UTC(2026, 10, 27, 10) + (seed * 1000 + i) * 1000).toISOString(),
    actor: next() < 0.2 ? "system" : `user-${Math.floor(next() * 5)}`,
    action: ["change.approve", "run.signal", "notification.sent"][i % 3] ?? "",
    subject: `CHG-${Math.floor(next() * 40)}`,
    data: { z: next(), a: [1e21, 0.002, -0], note: `é ✓ ${i}`, nested: { b: i % 2 === 0, a: null } },
  }));
}

describe.each(STORE_TARGETS)("audit log on $name", (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let config: Parameters<typeof openDatabase>[0];
  let audit: AuditRepository;
  beforeEach(async () => {
    ({ store, cleanup, config } = await target.open());
    audit = new AuditRepository(store.database);
  });
  afterEach(async () => cleanup());

  const db = () => store.database.db;
  const run = (text: string) => sql.raw(text).execute(db());
  /** Someone with DDL rights first removes the append-only guard, then edits rows at will. */
  async function tamper(...statements: string[]): Promise<void> {
    if (store.database.dialect === "sqlite") {
      await run("drop trigger if exists audit_log_no_update");
      await run("drop trigger if exists audit_log_no_delete");
    } else await run("drop trigger if exists audit_log_no_change on audit_log");
    for (const s of statements) await run(s);
  }
  /** Three hundred entries appended in three batches, so the chain crosses appends. */
  async function fill(): Promise<ChainPoint> {
    for (const seed of [1, 2, 3]) await audit.append(entries(100, seed));
    return audit.head();
  }
  /** Small batches, so a finding and the evidence after it span several reads. */
  const verify = (options: Parameters<AuditRepository["verify"]>[0] = {}) =>
    audit.verify({ batchSize: 64, ...options });
  async function row(seq: number) {
    return db().selectFrom("audit_log").selectAll().where("seq", "=", seq).executeTakeFirstOrThrow();
  }

  it("numbers entries without gaps and chains them across appends", async () => {
    const first = await audit.append(entries(100, 1));
    const second = await audit.append(entries(50, 2));
    expect(second[0]).toMatchObject({ seq: 101, prevHash: first[99]?.hash });
    expect(await audit.head()).toEqual({ seq: 150, hash: second[49]?.hash });
    const verdict = await audit.verify();
    expect(verdict).toEqual({ kind: "intact", verified: 150, head: { seq: 150, hash: second[49]?.hash } });
    const stored = await row(7);
    expect(typeof stored.seq).toBe("number");
    expect(stored.data).toBe(first[6]?.dataJson);
    expect(stored.data).toMatch(/^\{"a":\[1e\+21,0\.002,0\],"nested":\{"a":null,"b":true\},"note":/);
  });

  it("writes a large append in several statements and reads it back in several batches", async () => {
    const written = await audit.append(entries(1234, 9));
    expect(written.map((r) => r.seq)).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    const sizes: number[] = [];
    let expected = 101;
    await audit.scan(
      (batch) => {
        sizes.push(batch.length);
        for (const r of batch) expect(r.seq).toBe(expected++);
      },
      { after: 100, upTo: 1100 },
      300,
    );
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(await audit.verify({ batchSize: 100 })).toMatchObject({ kind: "intact", verified: 1234 });
  });

  it("appends nothing of a batch holding a value JSON cannot say", async () => {
    await audit.append(entries(5, 1));
    const bad = [...entries(600, 2)];
    bad[550] = { ...(bad[550] as NewAuditEntry), data: { ratio: Number.NaN } };
    await expect(audit.append(bad)).rejects.toThrow(/at \/?ratio.*not a finite number/);
    expect(await audit.head()).toMatchObject({ seq: 5 });
  });

  it("keeps one chain when writers append at the same time", async () => {
    // PostgreSQL: a second pool, as a second replica has. SQLite: one process, one connection; a
    // second connection in the same thread would block on the busy timeout holding the event loop.
    const other = store.database.dialect === "postgres" ? await openDatabase(config) : store.database;
    try {
      const replica = new AuditRepository(other);
      const writes = [1, 2, 3, 4, 5, 6].map((seed) =>
        (seed % 2 === 0 ? replica : audit).append(entries(40, seed)),
      );
      await Promise.all(writes);
      expect(await audit.verify()).toMatchObject({ kind: "intact", verified: 240, head: { seq: 240 } });
    } finally {
      if (other !== store.database) await other.close();
    }
  });

  it("refuses to update or delete entries through the database", async () => {
    await audit.append(entries(3, 1));
    await expect(run("update audit_log set actor = 'mallory' where seq = 2")).rejects.toThrow(/append-only/);
    await expect(run("delete from audit_log where seq = 3")).rejects.toThrow(/append-only/);
    expect((await row(2)).actor).not.toBe("mallory");
  });

  it("names an entry whose data was edited, even by whitespace alone", async () => {
    await fill();
    await tamper(`update audit_log set data = '{"approved":false}' where seq = 137`);
    const verdict = await verify();
    expect(verdict).toMatchObject({ kind: "tampered", verified: 136, finding: { kind: "edited", seq: 137 } });
    if (verdict.kind === "tampered") expect(verdict.finding.message).toContain("entry 137 was edited");
    // The same value with one more space: it parses equal, but the stored text was not what was sealed.
    await tamper(`update audit_log set data = ' ' || data where seq = 12`);
    expect(await verify()).toMatchObject({ finding: { kind: "edited", seq: 12 } });
  });

  it("names a deleted entry", async () => {
    await fill();
    await tamper("delete from audit_log where seq = 200");
    expect(await verify()).toMatchObject({
      kind: "tampered",
      verified: 199,
      finding: { kind: "deleted", fromSeq: 200, toSeq: 200, message: expect.stringContaining("entry 200") },
    });
  });

  it("names a forged entry slipped in with a correctly computed hash", async () => {
    await fill();
    const before = await row(150);
    const forged = {
      seq: 151,
      at: before.at,
      actor: "alice",
      action: "change.approve",
      subject: "CHG-7",
      dataJson: '{"comment":"looks good"}',
    };
    const hash = entryHash(before.hash, forged);
    await tamper(
      "update audit_log set seq = -(seq + 1) where seq > 150",
      "update audit_log set seq = -seq where seq < 0",
      `insert into audit_log (seq, at, actor, action, subject, data, prev_hash, hash) values
        (151, '${forged.at}', 'alice', 'change.approve', 'CHG-7', '${forged.dataJson}', '${before.hash}', '${hash}')`,
    );
    expect(await verify()).toMatchObject({
      kind: "tampered",
      finding: { kind: "inserted", seq: 151, message: expect.stringContaining("entry 151") },
    });
  });

  it("names entries whose numbers were swapped", async () => {
    await fill();
    await tamper(
      "update audit_log set seq = -1 where seq = 40",
      "update audit_log set seq = 40 where seq = 90",
      "update audit_log set seq = 90 where seq = -1",
    );
    expect(await verify()).toMatchObject({
      kind: "tampered",
      verified: 39,
      finding: { kind: "reordered", seq: 40 },
    });
  });

  it("detects a truncated tail against an anchor written to a file", async () => {
    const head = await fill();
    const dir = mkdtempSync(join(tmpdir(), "upshift-anchor-"));
    try {
      const file = join(dir, "anchor.json");
      const anchor = await audit.anchor({ now: new Date("2026-11-27T11:00:00Z"), file });
      expect(anchor).toEqual({ ...head, at: "2026-11-27T11:00:00.000Z", destination: file });
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ ...head, at: anchor.at });
      expect(await audit.latestAnchor()).toEqual(anchor);
      await tamper("delete from audit_log where seq > 250");
      // Without the anchor the shortened chain is consistent: that is what anchors are for.
      expect(await verify()).toMatchObject({ kind: "intact", verified: 250 });
      expect(await verify({ anchor: await readAnchorFile(file) })).toMatchObject({
        kind: "tampered",
        verified: 250,
        finding: { kind: "truncated", lastSeq: 250, anchorSeq: 300 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("detects a chain recomputed after an edit against an anchor", async () => {
    const head = await fill();
    const records = (await audit.segment(1, 300)).records.map((r) => ({ ...r }));
    let prevHash = records[98]?.hash ?? "";
    const statements: string[] = [];
    for (const r of records.slice(99)) {
      const dataJson = r.seq === 100 ? '{"approved":true}' : r.dataJson;
      const hash = entryHash(prevHash, { ...r, dataJson });
      statements.push(
        `update audit_log set data = '${dataJson.replaceAll("'", "''")}', prev_hash = '${prevHash}', hash = '${hash}' where seq = ${r.seq}`,
      );
      prevHash = hash;
    }
    await tamper(...statements);
    expect(await verify()).toMatchObject({ kind: "intact", verified: 300 });
    expect(await verify({ anchor: head })).toMatchObject({
      kind: "tampered",
      finding: { kind: "rewritten", seq: 300 },
    });
  });

  it("verifies from a trusted point and hands out segments that verify on their own", async () => {
    await fill();
    const mid = await audit.head();
    await audit.append(entries(20, 4));
    expect(await verify({ from: mid })).toMatchObject({ kind: "intact", verified: 20 });
    const segment = await audit.segment(101, 200);
    expect(segment.records.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 101 + i));
    expect(segment.start).toEqual({ seq: 100, hash: (await row(100)).hash });
    expect(verifyChain(segment.records, { start: segment.start })).toMatchObject({ kind: "intact" });
    expect((await audit.segment(1, 5)).start.seq).toBe(0);
  });
});
