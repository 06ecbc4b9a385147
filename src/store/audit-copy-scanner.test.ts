import { describe, expect, it } from "vitest";
import { GENESIS, type StoredAuditRecord } from "../core/audit/audit-entry.js";
import { entryHash } from "../core/audit/entry-hash.js";
import { CopyChainScanner } from "./audit-copy-scanner.js";

/** A field as PostgreSQL's COPY text format writes it (see CopyAttributeOutText). */
function copyText(value: string): string {
  const named: Record<string, string> = {
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
  };
  return [...value].map((c) => named[c] ?? c).join("");
}

function copyRow(r: StoredAuditRecord): Buffer {
  const fields = [String(r.seq), r.prevHash, r.action, r.actor, r.at, r.subject, r.dataJson, r.hash];
  return Buffer.from(`${fields.map(copyText).join("\t")}\n`, "utf8");
}

/** Records chained from the genesis, with the given text in every text field and in data. */
function chain(texts: readonly string[]): StoredAuditRecord[] {
  const records: StoredAuditRecord[] = [];
  let prev = GENESIS.hash;
  texts.forEach((text, i) => {
    const entry = {
      seq: i + 1,
      at: `2026-11-27T10:00:${String(i % 60).padStart(2, "0")}.000Z`,
      actor: `actor ${text}`,
      action: `act${text}`,
      subject: `${text} subject`,
      dataJson: JSON.stringify({ note: text }),
    };
    const hash = entryHash(prev, entry);
    records.push({ ...entry, prevHash: prev, hash });
    prev = hash;
  });
  return records;
}

const scan = (records: readonly StoredAuditRecord[], anchorSeq?: number) => {
  const scanner = new CopyChainScanner(GENESIS, anchorSeq);
  for (const r of records) if (!scanner.row(copyRow(r))) break;
  return scanner;
};

describe("the COPY chain scanner", () => {
  it("vouches for every character a text field or data can hold, as JSON.stringify escapes it", () => {
    // Every code point U+0001–U+00FF one by one, then surrogate pairs, U+2028/9 and a long mix.
    const texts = [
      ...Array.from({ length: 255 }, (_, i) => String.fromCharCode(i + 1)),
      "😀 é ✓",
      "\u2028\u2029",
      'quote " backslash \\ tab \t newline \n vtab \v',
      "x".repeat(70_000),
    ];
    const records = chain(texts);
    const scanner = scan(records);
    expect(scanner.stopped).toBe(false);
    expect(scanner.verified).toBe(records.length);
    const last = records.at(-1) as StoredAuditRecord;
    const before = records.at(-2) as StoredAuditRecord;
    expect(scanner.point()).toEqual({
      last: { seq: last.seq, hash: last.hash },
      beforeLastHash: before.hash,
    });
  });

  it("stops, without vouching, at a record whose data or text differs from what its hash seals", () => {
    const records = chain(["a", "b", "c", "d"]);
    const edited = { ...(records[2] as StoredAuditRecord), dataJson: '{"note": "c"}' };
    const scanner = scan([records[0], records[1], edited, records[3]] as StoredAuditRecord[]);
    expect(scanner).toMatchObject({ stopped: true, verified: 2, seq: 2 });
    expect(scanner.point()).toEqual({
      last: { seq: 2, hash: records[1]?.hash },
      beforeLastHash: records[0]?.hash,
    });
  });

  it("stops at a broken link, a gap in the numbers and the anchor's sequence", () => {
    const records = chain(["a", "b", "c"]);
    const [one, two, three] = records as [StoredAuditRecord, StoredAuditRecord, StoredAuditRecord];
    expect(scan([one, { ...two, prevHash: "f".repeat(64) }])).toMatchObject({ stopped: true, verified: 1 });
    expect(scan([one, three])).toMatchObject({ stopped: true, verified: 1 });
    expect(scan(records, 2)).toMatchObject({ stopped: true, verified: 1 });
    // A prev_hash with two characters more, even if the hash seals it, is not the link.
    const padded = { ...two, prevHash: `${one.hash}ab` };
    expect(scan([one, { ...padded, hash: entryHash(padded.prevHash, padded) }])).toMatchObject({
      verified: 1,
    });
  });

  it("stops at rows that are not what COPY of the audit log sends", () => {
    const [one] = chain(["a"]) as [StoredAuditRecord];
    const good = copyRow(one).toString("utf8");
    const bad = [
      good.slice(0, -1), // no newline
      good.replace(/^1\t/, "x\t"), // not a number
      good.replace(/^1\t/, "\t"), // empty number
      good.replace("\tacta\t", "\t\\N\t"), // NULL
      good.replace("\tacta\t", "\tact\\qa\t"), // an escape COPY never writes
      good.replace(/\t[0-9a-f]{64}\n$/, `\t${one.hash.slice(1)}\n`), // short hash
      good.replace(/\n$/, "\textra\n"), // a field too many
      good.replace(/\t[^\t]*\t[0-9a-f]{64}\n$/, `\t${one.hash}\n`), // a field too few
      "",
    ];
    for (const row of bad) {
      const scanner = new CopyChainScanner(GENESIS);
      expect(scanner.row(Buffer.from(row, "utf8")), JSON.stringify(row)).toBe(false);
      expect(scanner.verified).toBe(0);
      expect(scanner.point()).toEqual({ last: GENESIS, beforeLastHash: undefined });
    }
    expect(new CopyChainScanner(GENESIS).row(Buffer.from(good, "utf8"))).toBe(true);
  });

  it("continues after a record the caller accepted, and across a split", () => {
    const records = chain(["a", "b", "c", "d", "e", "f"]);
    const [r1, r2, r3, r4] = records as StoredAuditRecord[] as [
      StoredAuditRecord,
      StoredAuditRecord,
      StoredAuditRecord,
      StoredAuditRecord,
    ];
    const scanner = new CopyChainScanner(GENESIS);
    scanner.row(copyRow(r1));
    expect(scanner.row(Buffer.from("garbage\n"))).toBe(false);
    scanner.accept(2, r2.hash);
    expect(scanner.row(copyRow(r3))).toBe(true);
    expect(scanner.point()).toEqual({ last: { seq: 3, hash: r3.hash }, beforeLastHash: r2.hash });
    // The second half starts from the prev_hash its first row claims, and reports that claim.
    const second = new CopyChainScanner({ seq: 3, hash: undefined });
    for (const r of records.slice(3)) second.row(copyRow(r));
    expect(second.state()).toMatchObject({ seq: 6, verified: 3, startPrev: r3.hash });
    scanner.adopt(second.state());
    expect(scanner.point()).toEqual({
      last: { seq: 6, hash: records[5]?.hash },
      beforeLastHash: records[4]?.hash,
    });
    expect(scanner.verified).toBe(6);
    void r4;
  });
});
