/** A comment between statements, where acknowledgements and the phase header live. */
export interface SqlComment {
  /** The comment's text without its `--` or `/* *\/` markers, trimmed. */
  readonly body: string;
  /** String index of the comment's first character. */
  readonly index: number;
  /** String index just past the comment. */
  readonly end: number;
}

/**
 * Reads the whitespace and comments that separate statements, from `start` up to the first code
 * character. Only called at statement boundaries (just after a `;` or at the file start), where
 * no string literal can be open, so this lexes exactly what PostgreSQL's scanner would (scan.l:
 * `--` to end of line, `/* *\/` nested). Returns the comments and the index of the first code
 * character, or `text.length` when none is left.
 */
export function readCommentsAndSpace(
  text: string,
  start: number,
  limit: number = text.length,
): { readonly comments: readonly SqlComment[]; readonly codeIndex: number } {
  const comments: SqlComment[] = [];
  let i = start;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      i++;
    } else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const newline = text.indexOf("\n", i);
      const end = newline === -1 || newline > limit ? limit : newline;
      comments.push({ body: text.slice(i + 2, end).trim(), index: i, end });
      i = end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = blockCommentEnd(text, i, limit);
      comments.push({ body: text.slice(i + 2, Math.max(i + 2, end - 2)).trim(), index: i, end });
      i = end;
    } else {
      break;
    }
  }
  return { comments, codeIndex: i };
}

/** PostgreSQL block comments nest (unlike the SQL standard's C-style ones). */
function blockCommentEnd(text: string, start: number, limit: number): number {
  let depth = 0;
  let i = start;
  while (i < limit) {
    if (text.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return limit;
}
