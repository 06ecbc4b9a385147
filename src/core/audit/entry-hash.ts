import { hash } from "node:crypto";
import type { AuditEntry, AuditRecord, ChainPoint, SealableEntry, StoredAuditRecord } from "./audit-entry.js";
import { canonicalJson, tryCanonicalJson } from "./canonical-json.js";

/** RFC 8785 canonical JSON of the entry's six fields (never prevHash or hash); throws naming a bad field. */
export function canonicalEntry(entry: SealableEntry): string {
  const text = tryCanonicalEntry(entry);
  if (text !== undefined) return text;
  const { seq, at, actor, action, subject } = entry;
  const data = "dataJson" in entry ? entry.dataJson : entry.data;
  return canonicalJson({ action, actor, at, data, seq, subject }); // throws, naming the field
}

/**
 * canonicalEntry, or undefined when a field has no canonical form. Written out by hand in sorted
 * key order because it runs once per entry when a million are verified; a test checks it equals
 * canonicalJson of the same object.
 */
export function tryCanonicalEntry(entry: SealableEntry): string | undefined {
  const data = "dataJson" in entry ? entry.dataJson : tryCanonicalJson(entry.data);
  if (data === undefined) return undefined;
  return canonicalFields("", entry.action, entry.actor, entry.at, data, entry.seq, entry.subject);
}

/**
 * `prefix` and then the canonical entry of these fields (data already canonical), or undefined when
 * one has no canonical form: one string built once, which the append path hashes with the previous
 * hash as its prefix rather than joining the two afterwards.
 */
function canonicalFields(
  prefix: string,
  action: unknown,
  actor: unknown,
  at: unknown,
  data: string,
  seq: unknown,
  subject: unknown,
): string | undefined {
  const c = tryCanonicalJson;
  const actionText = c(action);
  const actorText = c(actor);
  const atText = c(at);
  const seqText = c(seq);
  const subjectText = c(subject);
  if (actionText === undefined || actorText === undefined || atText === undefined) return undefined;
  if (seqText === undefined || subjectText === undefined) return undefined;
  return `${prefix}{"action":${actionText},"actor":${actorText},"at":${atText},"data":${data},"seq":${seqText},"subject":${subjectText}}`;
}

/** The hash that seals an entry after `prevHash`: sha256 over prevHash's hex text, then the canonical entry. */
export function entryHash(prevHash: string, entry: SealableEntry): string {
  return sha256Hex(prevHash + canonicalEntry(entry));
}

/** entryHash of either record form, or undefined when it cannot be canonicalized (a tampered row may hold anything). */
export function tryEntryHash(prevHash: string, entry: SealableEntry): string | undefined {
  const text = tryCanonicalEntry(entry);
  return text === undefined ? undefined : sha256Hex(prevHash + text);
}

/** Chains entries after `head`, numbering them from head.seq + 1; returns the records to store. */
export function chainEntries(head: ChainPoint, entries: readonly Omit<AuditEntry, "seq">[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = head.hash;
  let seq = head.seq;
  for (const { at, actor, action, subject, data } of entries) {
    seq += 1;
    const entry: AuditEntry = { seq, at, actor, action, subject, data };
    const sealed = entryHash(prevHash, entry);
    records.push({ ...entry, prevHash, hash: sealed });
    prevHash = sealed;
  }
  return records;
}

/**
 * Chains entries after `head` straight into the form a store writes, canonicalizing each entry's
 * data once for both its hash and its stored text (the append path of a million-entry log).
 */
export function chainStoredEntries(
  head: ChainPoint,
  entries: readonly Omit<AuditEntry, "seq">[],
): StoredAuditRecord[] {
  const records: StoredAuditRecord[] = [];
  let prevHash = head.hash;
  let seq = head.seq;
  for (let i = 0; i < entries.length; i++) {
    const { at, actor, action, subject, data } = entries[i] as Omit<AuditEntry, "seq">;
    seq += 1;
    const dataJson = canonicalJson(data);
    const sealed = sha256Hex(
      canonicalFields(prevHash, action, actor, at, dataJson, seq, subject) ??
        prevHash + canonicalEntry({ seq, at, actor, action, subject, dataJson }), // throws, naming the field
    );
    records.push({ seq, at, actor, action, subject, dataJson, prevHash, hash: sealed });
    prevHash = sealed;
  }
  return records;
}

/** The form a store writes: data as the canonical text that was sealed. */
export function toStoredRecord(record: AuditRecord): StoredAuditRecord {
  const { seq, at, actor, action, subject, data, prevHash, hash: sealed } = record;
  return { seq, at, actor, action, subject, dataJson: canonicalJson(data), prevHash, hash: sealed };
}

function sha256Hex(text: string): string {
  // crypto.hash is the one-shot API (Node 20.12+), about 2.5x faster than createHash for short input.
  return hash("sha256", text, "hex");
}
