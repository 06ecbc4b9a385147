/**
 * Maps the parser's byte offsets to editor positions. libpg_query reports `stmt_location` in bytes
 * of the UTF-8 encoded query (it is C), while JavaScript strings index UTF-16 code units, so any
 * non-ASCII character before a statement (an accent in a comment) would shift a naive mapping.
 */

/** A 1-based line and column; the column counts UTF-16 code units, as editors (LSP) do. */
export interface SourcePosition {
  /** 0-based index into the JavaScript string. */
  readonly index: number;
  readonly line: number;
  readonly column: number;
}

/** Converts byte offsets and string indices of one text to line:column positions. */
export interface SourceMap {
  /** String index of a UTF-8 byte offset (offsets inside a multi-byte character round down). */
  readonly indexOfByte: (byteOffset: number) => number;
  readonly positionOfIndex: (index: number) => SourcePosition;
}

/** Builds the position mapping of a text once, so each lookup costs a binary search. */
export function createSourceMap(text: string): SourceMap {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  }
  const byteToIndex = isAscii(text) ? undefined : buildByteTable(text);
  return {
    indexOfByte: (byteOffset) => {
      if (byteToIndex === undefined) return Math.min(byteOffset, text.length);
      const clamped = Math.max(0, Math.min(byteOffset, byteToIndex.length - 1));
      return byteToIndex[clamped] ?? text.length;
    },
    positionOfIndex: (index) => {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((lineStarts[mid] ?? 0) <= index) lo = mid;
        else hi = mid - 1;
      }
      return { index, line: lo + 1, column: index - (lineStarts[lo] ?? 0) + 1 };
    },
  };
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/** table[byte] = string index of the character that byte belongs to; length = byteLength + 1. */
function buildByteTable(text: string): Uint32Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0;
    // UTF-8 widths per RFC 3629 section 3.
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let b = 0; b < width; b++) bytes.push(i);
    if (code > 0xffff) i++; // a surrogate pair is one code point, two code units
  }
  bytes.push(text.length);
  return Uint32Array.from(bytes);
}
