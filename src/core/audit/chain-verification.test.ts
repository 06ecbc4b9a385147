import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AuditRecord, VerifiableRecord } from "./audit-entry.js";
import { GENESIS } from "./audit-entry.js";
import { canonicalJson } from "./canonical-json.js";
import {
  continueChainVerification,
  finishChainVerification,
  startChainVerification,
  verifyChain,
} from "./chain-verification.js";
import { canonicalEntry, chainEntries, chainStoredEntries, entryHash, toStoredRecord } from "./entry-hash.js";

function chain(n: number): AuditRecord[] {
  const entries = Array.from({ length: n }, (_, i) => ({
    at: `2026-11-27T10:${String(i % 60).padStart(2, "0")}:00.000Z`,
    actor: i % 2 === 0 ? "alice" : "system",
    action: "change.transition",
    subject: `CHG-${1 + (i % 3)}`,
    data: { to: "Assess", note: `step ${i}` },
  }));
  return chainEntries(GENESIS, entries);
}

const finding = (records: readonly VerifiableRecord[], options = {}) => {
  const verdict = verifyChain(records, options);
  if (verdict.kind !== "tampered") throw new Error("expected tampering to be found");
  return verdict.finding;
};

/** Recomputes every hash from `from` on, as an attacker with write access and the algorithm would. */
function reseal(records: AuditRecord[], from: number): AuditRecord[] {
  const out = records.slice(0, from);
  for (const r of records.slice(from)) {
    const prevHash = out.at(-1)?.hash ?? GENESIS.hash;
    out.push({ ...r, prevHash, hash: entryHash(prevHash, r) });
  }
  return out;
}

describe("entry hashing", () => {
  it("hashes the RFC 8785 form of exactly the six entry fields, after the previous hash", () => {
    const [first] = chain(1);
    const { seq, at, actor, action, subject, data } = first!;
    expect(canonicalEntry(first!)).toBe(canonicalJson({ seq, at, actor, action, subject, data }));
    expect(first!.prevHash).toBe("0".repeat(64));
    expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("seals the stored form with the same hashes as the in-memory form", () => {
    const records = chain(5);
    const entries = records.map(({ at, actor, action, subject, data }) => ({
      at,
      actor,
      action,
      subject,
      data,
    }));
    expect(chainStoredEntries(GENESIS, entries)).toEqual(records.map(toStoredRecord));
  });

  it("refuses to seal an entry whose data has no canonical form", () => {
    expect(() =>
      chainEntries(GENESIS, [{ at: "t", actor: "a", action: "x", subject: "s", data: { n: Number.NaN } }]),
    ).toThrow(/at data\.n: NaN is not a finite number/);
  });
});

describe("verifyChain", () => {
  it("accepts an untouched chain and reports its head", () => {
    const records = chain(50);
    expect(verifyChain(records)).toEqual({
      kind: "intact",
      verified: 50,
      head: { seq: 50, hash: records[49]!.hash },
    });
  });

  it("gives the same verdict whether records arrive at once or in batches", () => {
    const records = chain(40);
    records[17] = { ...records[17]!, actor: "mallory" };
    let v = startChainVerification();
    for (let i = 0; i < records.length; i += 7) v = continueChainVerification(v, records.slice(i, i + 7));
    expect(finishChainVerification(v)).toEqual(verifyChain(records));
    expect(finishChainVerification(v)).toMatchObject({
      kind: "tampered",
      verified: 17,
      finding: { kind: "edited", seq: 18 },
    });
  });

  it("names an edited entry, witnessed by its successor's link", () => {
    const records = chain(20);
    records[9] = { ...records[9]!, data: { to: "Closed", note: "step 9" } };
    const f = finding(records);
    expect(f).toMatchObject({ kind: "edited", seq: 10, position: 9 });
    expect(f.message).toBe(
      "entry 10 was edited: its content no longer matches its hash; the next entry still links to its original hash",
    );
  });

  it("names an edited entry whose hash was recomputed by the one after it", () => {
    const records = chain(20);
    records[9] = { ...records[9]!, actor: "mallory" };
    records[9] = { ...records[9]!, hash: entryHash(records[9]!.prevHash, records[9]!) };
    expect(finding(records)).toMatchObject({ kind: "edited", seq: 10 });
  });

  it("names a deleted entry by the gap in numbers", () => {
    const records = chain(20);
    records.splice(4, 1);
    expect(finding(records)).toMatchObject({
      kind: "deleted",
      fromSeq: 5,
      toSeq: 5,
      message: "entry 5 is missing (deleted): entry 6 follows entry 4",
    });
  });

  it("names deleted entries even when the later ones were renumbered to close the gap", () => {
    const records = chain(20);
    records.splice(4, 2);
    const renumbered = records.map((r, i) => (i >= 4 ? { ...r, seq: r.seq - 2 } : r));
    expect(finding(renumbered)).toMatchObject({ kind: "deleted", fromSeq: 5, toSeq: 6 });
  });

  it("names the first entry when it was deleted", () => {
    expect(finding(chain(5).slice(1))).toMatchObject({ kind: "deleted", fromSeq: 1, toSeq: 1 });
  });

  it("names an inserted entry, whether forged with valid hashes or not", () => {
    const records = chain(10);
    const forged = { ...records[3]!, actor: "mallory", data: { to: "Closed", note: "forged" } };
    const sealedForgery = { ...forged, hash: entryHash(forged.prevHash, forged) };
    const renumber = (list: AuditRecord[]) => list.map((r, i) => ({ ...r, seq: i + 1 }));
    const withSealed = renumber([...records.slice(0, 3), sealedForgery, ...records.slice(3)]);
    withSealed[3] = { ...withSealed[3]!, hash: entryHash(withSealed[3]!.prevHash, withSealed[3]!) };
    expect(finding(withSealed)).toMatchObject({ kind: "inserted", seq: 4, position: 3 });
    const withGarbage = renumber([
      ...records.slice(0, 3),
      { ...forged, prevHash: "f".repeat(64) },
      ...records.slice(3),
    ]);
    expect(finding(withGarbage)).toMatchObject({ kind: "inserted", seq: 4, position: 3 });
    const duplicate = [...records.slice(0, 5), { ...records[4]!, actor: "mallory" }, ...records.slice(5)];
    expect(finding(duplicate)).toMatchObject({ kind: "inserted", seq: 5, position: 5 });
    const sealedTwin = { ...records[4]!, actor: "mallory" };
    const twinFirst = [
      ...records.slice(0, 4),
      { ...sealedTwin, hash: entryHash(sealedTwin.prevHash, sealedTwin) },
      ...records.slice(4),
    ];
    expect(finding(twinFirst)).toMatchObject({ kind: "inserted", seq: 5, position: 4 });
  });

  it("names reordered entries, whether moved as rows or by swapping their numbers", () => {
    const records = chain(12);
    const moved = [...records.slice(0, 4), records[5]!, records[4]!, ...records.slice(6)];
    expect(finding(moved)).toMatchObject({ kind: "reordered", seq: 5, position: 5 });
    const swapped = records.map((r, i) =>
      i === 4 ? { ...records[7]!, seq: 5 } : i === 7 ? { ...records[4]!, seq: 8 } : r,
    );
    const f = finding(swapped);
    expect(f.kind).toBe("reordered");
    expect(f.message).toMatch(/entry 5 links to the entry now numbered 7/);
  });

  it("detects a truncated tail only against an anchor", () => {
    const records = chain(30);
    const anchor = { seq: 30, hash: records[29]!.hash };
    const cut = records.slice(0, 26);
    expect(verifyChain(cut).kind).toBe("intact");
    expect(finding(cut, { anchor })).toMatchObject({
      kind: "truncated",
      lastSeq: 26,
      anchorSeq: 30,
      message:
        "the chain was truncated: it ends at entry 26 but the anchor records entry 30; entries 27–30 are missing",
    });
    expect(verifyChain(records, { anchor }).kind).toBe("intact");
  });

  it("detects a chain recomputed from an edit onwards by its anchor, and nothing without one", () => {
    const records = chain(30);
    const anchor = { seq: 25, hash: records[24]!.hash };
    const edited = records.map((r, i) => (i === 10 ? { ...r, actor: "mallory" } : r));
    const resealed = reseal(edited, 10);
    expect(verifyChain(resealed).kind).toBe("intact");
    expect(finding(resealed, { anchor })).toMatchObject({ kind: "rewritten", seq: 25 });
  });

  it("verifies a segment from a known point, as an evidence bundle carries it", () => {
    const records = chain(30);
    const start = { seq: 10, hash: records[9]!.hash };
    expect(verifyChain(records.slice(10), { start })).toMatchObject({ kind: "intact", verified: 20 });
    expect(finding(records.slice(11), { start })).toMatchObject({ kind: "deleted", fromSeq: 11 });
  });

  it("verifies rows as a store keeps them, catching even a change that parses to the same data", () => {
    const stored = chain(10).map(toStoredRecord);
    expect(verifyChain(stored)).toMatchObject({ kind: "intact", verified: 10 });
    const spaced = stored.map((r, i) => (i === 6 ? { ...r, dataJson: r.dataJson.replace(":", ": ") } : r));
    expect(JSON.parse(spaced[6]!.dataJson)).toEqual(JSON.parse(stored[6]!.dataJson));
    expect(finding(spaced)).toMatchObject({ kind: "edited", seq: 7 });
  });

  it("treats a row whose data no longer canonicalizes as edited", () => {
    const records = chain(5);
    records[2] = { ...records[2]!, data: { n: Number.POSITIVE_INFINITY } };
    expect(finding(records)).toMatchObject({ kind: "edited", seq: 3 });
  });
});

describe("verifyChain on random tampering", () => {
  const operations = [
    "edited",
    "deleted",
    "deleted and renumbered",
    "inserted",
    "inserted and sealed",
    "reordered",
    "reordered by number",
    "truncated",
  ] as const;
  it("names the kind of a single random tampering, however it was done", () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.nat(), fc.constantFrom(...operations), (n, at, op) => {
        const records = chain(n);
        const k = at % (n - 2);
        let tampered = [...records];
        const renumber = (list: AuditRecord[]) => list.map((r, i) => ({ ...r, seq: i + 1 }));
        switch (op) {
          case "edited":
            tampered[k] = { ...records[k]!, subject: "CHG-999" };
            break;
          case "deleted":
            tampered.splice(k, 1);
            break;
          case "deleted and renumbered":
            tampered.splice(k, 1);
            tampered = renumber(tampered);
            break;
          case "inserted":
            tampered.splice(k, 0, { ...records[k]!, actor: "mallory" });
            break;
          case "inserted and sealed": {
            const forged = { ...records[k]!, actor: "mallory" };
            tampered.splice(k, 0, { ...forged, hash: entryHash(forged.prevHash, forged) });
            tampered = renumber(tampered);
            break;
          }
          case "reordered":
            [tampered[k], tampered[k + 1]] = [records[k + 1]!, records[k]!];
            break;
          case "reordered by number":
            [tampered[k], tampered[k + 1]] = [
              { ...records[k + 1]!, seq: k + 1 },
              { ...records[k]!, seq: k + 2 },
            ];
            break;
          case "truncated":
            tampered = records.slice(0, k + 1);
            break;
        }
        const anchor = { seq: n, hash: records[n - 1]!.hash };
        const verdict = verifyChain(tampered, { anchor });
        expect(verdict.kind).toBe("tampered");
        if (verdict.kind === "tampered") expect(verdict.finding.kind).toBe(op.split(" ")[0]);
      }),
      { numRuns: 400 },
    );
  });
});
