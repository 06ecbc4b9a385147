import { DOCUMENT_KINDS, type UpshiftDocument } from "../core/documents/document-kinds.js";
import { formatProblem } from "../core/documents/problem.js";
import { validateSources } from "../core/documents/validate-documents.js";
import type { Connection } from "./api-client.js";
import { ApiClient } from "./api-client.js";
import { CliError, EXIT } from "./exit-codes.js";
import { readSources } from "./read-sources.js";

/** Documents from files (`-f`, validated offline) or, without files, every document on the server. */
export async function loadDocuments(
  files: readonly string[] | undefined,
  connection: Connection,
): Promise<UpshiftDocument[]> {
  if (files && files.length > 0) {
    const validation = validateSources(readSources(files));
    if (validation.problems.length > 0) {
      throw new CliError(
        `${validation.problems.length} problems in the documents`,
        EXIT.invalid,
        validation.problems.map(formatProblem),
      );
    }
    return validation.documents.map((d) => d.doc);
  }
  const api = new ApiClient(connection);
  const lists = await Promise.all(
    DOCUMENT_KINDS.map((kind) =>
      api.request<{ items: { document: UpshiftDocument }[] }>("GET", `v1/documents/${kind}`),
    ),
  );
  return lists.flatMap((l) => l.items.map((i) => i.document));
}

/** An instant from the command line: ISO 8601 with an offset or Z (local wall times are ambiguous). */
export function parseInstant(flag: string, text: string): number {
  const ms = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new CliError(
      `${flag} must be an ISO 8601 instant with an offset, such as 2027-01-05T18:00:00+01:00 or 2027-01-05T17:00:00Z; got "${text}"`,
      EXIT.usage,
    );
  return ms;
}
