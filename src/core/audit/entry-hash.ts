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
  const c = tryCanonicalJson;
  const action = c(entry.action);
  const actor = c(entry.actor);
  const at = c(entry.at);
  const data = "dataJson" in entry ? entry.dataJson : c(entry.data);
  const seq = c(entry.seq);
  const subject = c(entry.subject);
  if (action === undefined || actor === undefined || at === undefined) return undefined;
  if (data === undefined || seq === undefined || subject === undefined) return undefined;
  return `{"action":${action},"actor":${actor},"at":${at},"data":${data},"seq":${seq},"subject":${subject}}`;
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
  for (const { at, actor, action, subject, data } of entries) {
    seq += 1;
    const dataJson = canonicalJson(data);
    const sealed = entryHash(prevHash, { seq, at, actor, action, subject, dataJson });
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
