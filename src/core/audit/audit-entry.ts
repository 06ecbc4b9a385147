import type { JsonValue } from "./canonical-json.js";

/** What happened, by whom, to what: one line of the audit log before it is chained. */
export interface AuditEntry {
  /** Position in the log, 1 for the first entry; consecutive without gaps. */
  readonly seq: number;
  /** RFC 3339 UTC instant, e.g. `2026-11-27T10:00:00.000Z`. */
  readonly at: string;
  /** Token identity, or `system` for the engine's own acts. */
  readonly actor: string;
  /** Dotted verb, e.g. `change.approve`, `run.signal`, `notification.sent`. */
  readonly action: string;
  /** What it acted on, e.g. `CHG-12`, `run/8f2c`. */
  readonly subject: string;
  readonly data: JsonValue;
}

/** An entry as stored: chained to its predecessor by `prevHash`, sealed by its own `hash`. */
export interface AuditRecord extends AuditEntry {
  /** Lower-case hex sha256 of the previous record (GENESIS_HASH for the first). */
  readonly prevHash: string;
  /** Lower-case hex sha256(prevHash || canonicalEntry(entry)). */
  readonly hash: string;
}

/**
 * A record as a store reads it back: `data` kept as the canonical JSON text that was sealed. Verifying
 * that text byte for byte is both faster (no parse, no re-serialization) and stricter (even a change
 * that parses to the same value is caught).
 */
export interface StoredAuditRecord extends Omit<AuditRecord, "data"> {
  readonly dataJson: string;
}

/** An entry in either form, without its chain fields: what a hash seals. */
export type SealableEntry = AuditEntry | Omit<StoredAuditRecord, "prevHash" | "hash">;

/** Either form a verifier accepts. */
export type VerifiableRecord = AuditRecord | StoredAuditRecord;

/** A position in the chain: the sequence number and hash of one record (a head or an anchor). */
export interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
}

/** What the first record links to: 64 zeros, at sequence 0. */
export const GENESIS_HASH = "0".repeat(64);
export const GENESIS: ChainPoint = { seq: 0, hash: GENESIS_HASH };
