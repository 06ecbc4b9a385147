import { type ChainPoint, GENESIS, type VerifiableRecord } from "./audit-entry.js";
import type { ChainFinding, ChainVerdict } from "./chain-finding.js";
import { type ChainBreakEvidence, classifyChainBreak } from "./classify-chain-break.js";
import { tryEntryHash } from "./entry-hash.js";

/** Where verification starts and what it must reach. */
export interface ChainVerificationOptions {
  /** Where the records continue from: the genesis (default) or a verified point, to check a segment. */
  readonly start?: ChainPoint;
  /** A head published earlier (to a file or webhook): the chain must reach it with this hash. */
  readonly anchor?: ChainPoint;
}

/** How far back a renumbered entry's original sequence number is searched for. */
const RENUMBER_SEARCH = 1024;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Suspect = Mutable<ChainBreakEvidence>;

/**
 * A verification in progress, advanced one batch at a time so a store can stream a million
 * records without holding them. Each batch yields a new value; the hot loop keeps its counters
 * in locals and allocates nothing per verified record.
 */
export interface ChainVerification {
  readonly options: ChainVerificationOptions;
  readonly seen: number;
  readonly verified: number;
  /** The last record that verified (or the start). */
  readonly last: ChainPoint;
  readonly beforeLastHash: string | undefined;
  readonly finding: ChainFinding | undefined;
  /** The first record that failed, gathering evidence from the records after it. */
  readonly suspect: Readonly<Suspect> | undefined;
}

/** Begins verifying a chain (or a segment after `options.start`). */
export function startChainVerification(options: ChainVerificationOptions = {}): ChainVerification {
  const last = options.start ?? GENESIS;
  return {
    options,
    seen: 0,
    verified: 0,
    last,
    beforeLastHash: undefined,
    finding: undefined,
    suspect: undefined,
  };
}

/** Verifies the next batch of records, in the order the store holds them. */
export function continueChainVerification(
  v: ChainVerification,
  batch: readonly VerifiableRecord[],
): ChainVerification {
  if (v.finding !== undefined) return { ...v, seen: v.seen + batch.length };
  const anchor = v.options.anchor;
  let i = 0;
  let seq = v.last.seq;
  let hash = v.last.hash;
  let beforeHash = v.beforeLastHash;
  if (v.suspect === undefined) {
    for (; i < batch.length; i++) {
      const r = batch[i] as VerifiableRecord;
      if (r.seq !== seq + 1 || r.prevHash !== hash || tryEntryHash(hash, r) !== r.hash) break;
      if (anchor !== undefined && r.seq === anchor.seq && r.hash !== anchor.hash) {
        const message = `the chain was recomputed: entry ${r.seq} links correctly but differs from the anchored head`;
        const finding: ChainFinding = { kind: "rewritten", seq: r.seq, position: v.seen + i, message };
        return { ...v, seen: v.seen + batch.length, verified: v.verified + i, last: { seq, hash }, finding };
      }
      beforeHash = hash;
      hash = r.hash;
      seq = r.seq;
    }
  }
  const verified = v.verified + i;
  const last = i === 0 ? v.last : { seq, hash };
  const beforeLastHash = i === 0 ? v.beforeLastHash : beforeHash;
  let suspect = v.suspect === undefined ? undefined : { ...v.suspect };
  if (suspect === undefined && i < batch.length) {
    suspect = suspectOf(batch[i] as VerifiableRecord, v.seen + i, last, beforeLastHash, verified === 0);
    i += 1;
  }
  if (suspect !== undefined)
    for (; i < batch.length; i++) gatherEvidence(suspect, batch[i] as VerifiableRecord, v.seen + i);
  return { ...v, seen: v.seen + batch.length, verified, last, beforeLastHash, suspect };
}

/** Ends the verification: the first finding, a truncation against the anchor, or an intact chain. */
export function finishChainVerification(v: ChainVerification): ChainVerdict {
  if (v.finding !== undefined) return { kind: "tampered", verified: v.verified, finding: v.finding };
  if (v.suspect !== undefined)
    return { kind: "tampered", verified: v.verified, finding: classifyChainBreak(v.suspect) };
  const anchor = v.options.anchor;
  if (anchor !== undefined && v.last.seq < anchor.seq) {
    const missing =
      v.last.seq + 1 === anchor.seq
        ? `entry ${anchor.seq} is`
        : `entries ${v.last.seq + 1}–${anchor.seq} are`;
    const message = `the chain was truncated: it ends at entry ${v.last.seq} but the anchor records entry ${anchor.seq}; ${missing} missing`;
    return {
      kind: "tampered",
      verified: v.verified,
      finding: { kind: "truncated", lastSeq: v.last.seq, anchorSeq: anchor.seq, message },
    };
  }
  return { kind: "intact", verified: v.verified, head: v.last };
}

/** Verifies a whole chain (or segment) held in memory; see continueChainVerification to stream. */
export function verifyChain(
  records: readonly VerifiableRecord[],
  options: ChainVerificationOptions = {},
): ChainVerdict {
  return finishChainVerification(continueChainVerification(startChainVerification(options), records));
}

function suspectOf(
  r: VerifiableRecord,
  position: number,
  prev: ChainPoint,
  beforePrevHash: string | undefined,
  prevIsStart: boolean,
): Suspect {
  const selfOk = tryEntryHash(r.prevHash, r) === r.hash;
  const linkOk = r.prevHash === prev.hash;
  const expectedSeq = prev.seq + 1;
  let originalSeq: number | undefined;
  if (!selfOk && !linkOk && r.seq === expectedSeq) {
    for (let d = 1; d <= RENUMBER_SEARCH && originalSeq === undefined; d++) {
      if (tryEntryHash(r.prevHash, { ...r, seq: r.seq + d }) === r.hash) originalSeq = r.seq + d;
    }
  }
  return {
    record: r,
    position,
    expectedSeq,
    prev,
    prevIsStart,
    beforePrevHash,
    selfOk,
    linkOk,
    originalSeq,
    nextPrevHash: undefined,
    predecessorLater: undefined,
    missingSeqLater: undefined,
  };
}

function gatherEvidence(s: Suspect, later: VerifiableRecord, position: number): void {
  if (position === s.position + 1) s.nextPrevHash = later.prevHash;
  if (s.predecessorLater === undefined && later.hash === s.record.prevHash)
    s.predecessorLater = { seq: later.seq, position };
  if (s.missingSeqLater === undefined && later.seq >= s.expectedSeq && later.seq < s.record.seq) {
    s.missingSeqLater = { seq: later.seq, position };
  }
}
