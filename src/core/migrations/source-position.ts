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
  const indexOfByte = isAscii(text)
    ? (byteOffset: number) => Math.min(byteOffset, text.length)
    : utf8Cursor(text);
  return {
    indexOfByte,
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

/**
 * Byte offset → string index by walking the text. The linter asks for offsets in increasing order
 * (statement after statement), so a cursor that only moves forward makes the whole file one pass;
 * an earlier offset restarts the walk from the top. Widths per RFC 3629 section 3.
 */
function utf8Cursor(text: string): (byteOffset: number) => number {
  let cursorByte = 0;
  let cursorIndex = 0;
  return (byteOffset) => {
    if (byteOffset < cursorByte) {
      cursorByte = 0;
      cursorIndex = 0;
    }
    while (cursorByte < byteOffset && cursorIndex < text.length) {
      const code = text.codePointAt(cursorIndex) ?? 0;
      const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      if (cursorByte + width > byteOffset) break; // inside a character: round down to its start
      cursorByte += width;
      cursorIndex += code > 0xffff ? 2 : 1; // a surrogate pair is one code point, two code units
    }
    return cursorIndex;
  };
}
