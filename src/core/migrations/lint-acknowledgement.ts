import type { LocatedComment, SqlStatement } from "./sql-statements.js";

/** A comment `-- upshift-lint-ack: <rule-id> <reason>` accepting one rule's finding on the next statement. */
export interface LintAcknowledgement {
  /** The rule id as written (possibly unknown or empty). */
  readonly ruleId: string;
  /** Why the hazard is acceptable here; empty when the author gave none. */
  readonly reason: string;
  readonly line: number;
  readonly column: number;
}

const ACK = /^upshift-lint-ack\s*:\s*(\S*)\s*(.*)$/s;

/** Reads one comment as an acknowledgement, or undefined when it is an ordinary comment. */
export function parseAcknowledgement(comment: LocatedComment): LintAcknowledgement | undefined {
  const match = ACK.exec(comment.body);
  if (match === null) return undefined;
  return {
    ruleId: match[1] ?? "",
    reason: (match[2] ?? "").trim(),
    line: comment.line,
    column: comment.column,
  };
}

/**
 * The acknowledgements that apply to a statement: those in the block of comments directly above
 * it, each comment ending on the line before the next one (a blank line breaks the block), so an
 * acknowledgement cannot drift away from the statement it accepts.
 */
export function statementAcknowledgements(statement: SqlStatement): LintAcknowledgement[] {
  const acks: LintAcknowledgement[] = [];
  let expectedLine = statement.position.line - 1;
  for (let i = statement.leadingComments.length - 1; i >= 0; i--) {
    const comment = statement.leadingComments[i];
    if (comment === undefined) break;
    const adjacent = comment.endLine === expectedLine || comment.endLine === statement.position.line;
    if (!adjacent) break;
    const ack = parseAcknowledgement(comment);
    if (ack !== undefined) acks.unshift(ack);
    expectedLine = comment.line - 1;
  }
  return acks;
}
