import { hash as digest } from "node:crypto";
import type { ChainPoint } from "../core/audit/audit-entry.js";

/** Where a scanner stands, as plain data. */
export interface ScanState {
  readonly seq: number;
  readonly verified: number;
  readonly last: string;
  readonly beforeLast: string | undefined;
  /** The prev_hash the first row claimed (a scanner started without a known hash). */
  readonly startPrev: string | undefined;
}

/**
 * Verifies audit records as PostgreSQL's COPY TO STDOUT (text format) sends them, one row per
 * message: `seq, prev_hash, action, actor, at, subject, data, hash`, tab-separated, newline-ended.
 *
 * It rebuilds, byte for byte, the text each hash seals (the previous hash, then the entry's RFC 8785
 * canonical JSON, exactly what `entryHash` builds) from the raw bytes of the row, and hashes those
 * bytes: no string is decoded and no object is made per record. COPY's escapes (backslash, the
 * control characters it names) are undone, and the four text fields are escaped as JSON.stringify
 * escapes them; `data` is already canonical JSON and goes in verbatim.
 *
 * The scanner only ever vouches for a record; it never decides one is wrong. At the first row it
 * cannot vouch for (anything unexpected, a broken link, a hash that differs, the anchor's sequence)
 * it stops, and the caller asks the core's exact check, which names what is wrong.
 */
export class CopyChainScanner {
  /** Sequence number of the last record vouched for (or of the start). */
  seq: number;
  verified = 0;
  /** True once a row could not be vouched for; later rows are ignored. */
  stopped = false;
  /** The prev_hash the first row claimed, when the scanner was started without a known hash. */
  startPrev: string | undefined;
  /** The last hash (the start's until a record is vouched for); `beforeLast` the one before it. */
  private last = Buffer.alloc(64);
  private beforeLast = Buffer.alloc(64);
  private scratch = Buffer.allocUnsafe(1 << 16);
  private w = 0;

  /**
   * @param start where the records continue from; with `hash` undefined, the first row's own
   *   prev_hash is taken as given (for the second half of a split scan, checked at the seam).
   * @param anchorSeq a sequence number the scanner must stop at (the caller checks the anchor).
   */
  constructor(
    private readonly start: { readonly seq: number; readonly hash: string | undefined },
    private readonly anchorSeq = -1,
  ) {
    this.seq = start.seq;
    // A start hash that is not 64 single-byte characters matches no row: the first row then stops.
    if (start.hash !== undefined) this.last.write(start.hash.length === 64 ? start.hash : "", "latin1");
  }

  /** The last record vouched for, and the hash before it (strings, for the core's state). */
  point(): { readonly last: ChainPoint; readonly beforeLastHash: string | undefined } {
    if (this.verified === 0)
      return {
        last: { seq: this.start.seq, hash: this.start.hash ?? this.startPrev ?? "" },
        beforeLastHash: undefined,
      };
    return {
      last: { seq: this.seq, hash: this.last.toString("latin1") },
      beforeLastHash: this.beforeLast.toString("latin1"),
    };
  }

  /** Continues with the next record after the caller vouched for it by other means. */
  accept(seq: number, sealed: string): void {
    const swap = this.beforeLast;
    this.beforeLast = this.last;
    this.last = swap;
    this.last.fill(0).write(sealed.length === 64 ? sealed : "", "latin1");
    this.seq = seq;
    this.verified += 1;
    this.stopped = false;
  }

  /** What a scanner of a later part found, to hand across threads: see adopt(). */
  state(): ScanState {
    const { last, beforeLastHash } = this.point();
    return {
      seq: this.seq,
      verified: this.verified,
      last: last.hash,
      beforeLast: beforeLastHash,
      startPrev: this.startPrev,
    };
  }

  /** Takes over where a scanner of the records right after this one's last ended (its state()). */
  adopt(next: ScanState): void {
    if (next.verified === 0) return;
    this.last.fill(0).write(next.last, "latin1");
    this.beforeLast.fill(0).write(next.beforeLast ?? "", "latin1");
    this.seq = next.seq;
    this.verified += next.verified;
    this.stopped = false;
  }

  /** One row of COPY output; false once the scanner has stopped. */
  row(b: Buffer): boolean {
    if (this.stopped) return false;
    if (!this.vouch(b)) this.stopped = true;
    return !this.stopped;
  }

  private vouch(b: Buffer): boolean {
    const n = b.length;
    if (n === 0 || b[n - 1] !== NL) return false;
    if (this.scratch.length < 6 * n + 128) this.scratch = Buffer.allocUnsafe(6 * n + 128);
    const s = this.scratch;
    // seq
    let p = 0;
    let seq = 0;
    for (let c = b[p] as number; c !== TAB; c = b[++p] as number) {
      if (c < 48 || c > 57 || p >= 15) return false;
      seq = seq * 10 + (c - 48);
    }
    const seqEnd = p;
    if (seqEnd === 0 || seq !== this.seq + 1 || seq === this.anchorSeq) return false;
    p += 1;
    // prev_hash: 64 characters that are the last hash (or, at a split's start, taken as given)
    if (b[p + 64] !== TAB) return false;
    if (this.start.hash === undefined && this.startPrev === undefined) {
      this.startPrev = b.toString("latin1", p, p + 64);
      b.copy(this.last, 0, p, p + 64);
    }
    const last = this.last;
    for (let i = 0; i < 64; i++) {
      const c = b[p + i] as number;
      if (c !== last[i]) return false;
      s[i] = c;
    }
    this.w = 64;
    p += 65;
    this.put(ACTION);
    p = this.field(b, p, true);
    if (p < 0) return false;
    this.put(ACTOR);
    p = this.field(b, p, true);
    if (p < 0) return false;
    this.put(AT);
    p = this.field(b, p, true);
    if (p < 0) return false;
    const subjectAt = p;
    // skip subject for now: canonical order puts data and seq before it
    p = b.indexOf(TAB, p) + 1;
    if (p === 0) return false;
    this.put(DATA);
    const dataEnd = b.indexOf(TAB, p);
    if (dataEnd < 0) return false;
    const escaped = b.indexOf(BACKSLASH, p);
    if (escaped < 0 || escaped > dataEnd) {
      b.copy(s, this.w, p, dataEnd);
      this.w += dataEnd - p;
      p = dataEnd + 1;
    } else {
      p = this.field(b, p, false);
      if (p < 0) return false;
    }
    this.put(SEQ);
    for (let i = 0; i < seqEnd; i++) s[this.w++] = b[i] as number;
    this.put(SUBJECT);
    if (this.field(b, subjectAt, true) < 0) return false;
    this.put(END);
    // hash: the last field, 64 characters before the newline
    if (p + 65 !== n) return false;
    const sealed = digest("sha256", s.subarray(0, this.w), "hex");
    for (let i = 0; i < 64; i++) if (sealed.charCodeAt(i) !== b[p + i]) return false;
    const swap = this.beforeLast;
    this.beforeLast = this.last;
    this.last = swap;
    for (let i = 0; i < 64; i++) swap[i] = b[p + i] as number;
    this.seq = seq;
    this.verified += 1;
    return true;
  }

  /** A constant piece of the canonical text (a loop: for a few bytes, faster than a native copy). */
  private put(fragment: Uint8Array): void {
    const s = this.scratch;
    let w = this.w;
    for (let i = 0; i < fragment.length; i++) s[w++] = fragment[i] as number;
    this.w = w;
  }

  /**
   * A field from `p` to the next tab with COPY's escapes undone, written as a JSON string's
   * contents (what JSON.stringify writes between the quotes) when `json`, else as stored; the
   * position after the tab, or -1 for anything unexpected (an escape COPY never writes, a NULL).
   */
  private field(b: Uint8Array, p: number, json: boolean): number {
    const s = this.scratch;
    let w = this.w;
    const n = b.length;
    for (; p < n; p++) {
      let c = b[p] as number;
      if (c === TAB) {
        this.w = w;
        return p + 1;
      }
      if (c === BACKSLASH) {
        c = unescapeCopy(b[++p] as number);
        if (c < 0) return -1;
      }
      if (!json || (c >= 0x20 && c !== QUOTE && c !== BACKSLASH)) s[w++] = c;
      else if (c >= 0x20) {
        s[w++] = BACKSLASH;
        s[w++] = c;
      } else {
        const short = SHORT_ESCAPE[c] as number;
        s[w++] = BACKSLASH;
        if (short !== 0) s[w++] = short;
        else {
          s[w++] = 117; // u
          s[w++] = 48;
          s[w++] = 48;
          s[w++] = HEX[c >> 4] as number;
          s[w++] = HEX[c & 15] as number;
        }
      }
    }
    return -1;
  }
}

const TAB = 9;
const NL = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const HEX = Buffer.from("0123456789abcdef", "latin1");
const fragment = (text: string) => Buffer.from(text, "latin1");
const ACTION = fragment('{"action":"');
const ACTOR = fragment('","actor":"');
const AT = fragment('","at":"');
const DATA = fragment('","data":');
const SEQ = fragment(',"seq":');
const SUBJECT = fragment(',"subject":"');
const END = fragment('"}');

/** JSON.stringify's two-character escapes by control character (0: it writes \u00XX). */
const SHORT_ESCAPE = new Uint8Array(32);
SHORT_ESCAPE[8] = 98; // \b
SHORT_ESCAPE[9] = 116; // \t
SHORT_ESCAPE[10] = 110; // \n
SHORT_ESCAPE[12] = 102; // \f
SHORT_ESCAPE[13] = 114; // \r

/**
 * The byte a COPY text escape stands for (the character after the backslash), or -1 for what it
 * never writes in output and for `\N` (NULL). PostgreSQL escapes the backslash itself and
 * \b \f \n \r \t \v; every other byte goes out as it is.
 */
function unescapeCopy(c: number): number {
  switch (c) {
    case BACKSLASH:
      return BACKSLASH;
    case 98:
      return 8;
    case 102:
      return 12;
    case 110:
      return 10;
    case 114:
      return 13;
    case 116:
      return 9;
    case 118:
      return 11;
    default:
      return -1;
  }
}
