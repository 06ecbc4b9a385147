import type { ChainPoint, VerifiableRecord } from "./audit-entry.js";
import type { ChainFinding } from "./chain-finding.js";

/** What the verifier knows about the first record that did not verify, and what came after it. */
export interface ChainBreakEvidence {
  readonly record: VerifiableRecord;
  readonly position: number;
  readonly expectedSeq: number;
  /** The last record that verified, or the starting point when none did. */
  readonly prev: ChainPoint;
  readonly prevIsStart: boolean;
  /** Hash of the record before `prev`, when there is one. */
  readonly beforePrevHash: string | undefined;
  /** The record's content still hashes to its stored hash. */
  readonly selfOk: boolean;
  /** The record's prevHash is prev's hash. */
  readonly linkOk: boolean;
  /** The sequence number with which the record's content does hash to its stored hash, if another does. */
  readonly originalSeq: number | undefined;
  /** prevHash of the record right after, if any. */
  readonly nextPrevHash: string | undefined;
  /** A later record whose hash is this record's prevHash: its predecessor comes after it. */
  readonly predecessorLater: { readonly seq: number; readonly position: number } | undefined;
  /** A later record numbered between expectedSeq and this record's seq: the gap was a move. */
  readonly missingSeqLater: { readonly seq: number; readonly position: number } | undefined;
}

/**
 * Names the break from its evidence. Order matters: a link that skips the previous record proves
 * an insertion, a predecessor found later proves a move, and only then do gaps and hash mismatches
 * read as deletions and edits (a gap that is filled later was a move, not a deletion).
 */
export function classifyChainBreak(e: ChainBreakEvidence): ChainFinding {
  const { record: r, position, expectedSeq: expected, prev } = e;
  const skipsPrev = !e.prevIsStart && e.beforePrevHash !== undefined && r.prevHash === e.beforePrevHash;
  if (r.seq < expected) {
    // Two entries claim one number: the genuine one seals correctly and its successor links to it.
    if (skipsPrev && e.selfOk && e.nextPrevHash === r.hash) return insertedPrev(e);
    const message = `entry ${r.seq} appears twice: a second entry with that number was inserted at position ${position}`;
    return { kind: "inserted", seq: r.seq, position, message };
  }
  if (skipsPrev) return insertedPrev(e);
  if (r.seq > expected) {
    const moved = e.missingSeqLater;
    if (moved !== undefined) {
      const message = `entries were reordered: entry ${moved.seq} appears at position ${moved.position}, after entry ${r.seq}`;
      return { kind: "reordered", seq: moved.seq, position: moved.position, message };
    }
    const range = r.seq - 1 === expected ? `entry ${expected} is` : `entries ${expected}–${r.seq - 1} are`;
    const message = `${range} missing (deleted): entry ${r.seq} follows entry ${prev.seq}`;
    return { kind: "deleted", fromSeq: expected, toSeq: r.seq - 1, position, message };
  }
  if (e.predecessorLater !== undefined) {
    const later = e.predecessorLater;
    const message = `entries were reordered: entry ${r.seq} links to the entry now numbered ${later.seq} (position ${later.position}), which comes after it`;
    return { kind: "reordered", seq: r.seq, position, message };
  }
  if (e.nextPrevHash === prev.hash) {
    const message = `entry ${r.seq} (position ${position}) was inserted: the entry after it links to entry ${prev.seq}`;
    return { kind: "inserted", seq: r.seq, position, message };
  }
  if (e.linkOk && !e.selfOk) {
    const witness = e.nextPrevHash === r.hash ? "; the next entry still links to its original hash" : "";
    const message = `entry ${r.seq} was edited: its content no longer matches its hash${witness}`;
    return { kind: "edited", seq: r.seq, position, message };
  }
  if (!e.selfOk && e.originalSeq !== undefined) {
    const last = e.originalSeq - 1;
    const range = last === expected ? `entry ${expected} was` : `entries ${expected}–${last} were`;
    const message = `${range} deleted and the later entries renumbered: the entry now numbered ${r.seq} was sealed as ${e.originalSeq}`;
    return { kind: "deleted", fromSeq: expected, toSeq: last, position, message };
  }
  if (e.selfOk && !e.prevIsStart) {
    const message = `entry ${prev.seq} was rewritten with a recomputed hash, or an entry after it deleted: entry ${r.seq} recorded a different hash for its predecessor`;
    return { kind: "edited", seq: prev.seq, position: position - 1, message };
  }
  const message = e.selfOk
    ? `entry ${r.seq} does not link to the starting point (sequence ${prev.seq}): its link was rewritten`
    : `entry ${r.seq} was edited: neither its content nor its link matches its hash`;
  return { kind: "edited", seq: r.seq, position, message };
}

function insertedPrev(e: ChainBreakEvidence): ChainFinding {
  const position = e.position - 1;
  const message = `entry ${e.prev.seq} (position ${position}) was inserted: the entry after it links straight to the entry before it`;
  return { kind: "inserted", seq: e.prev.seq, position, message };
}
