import type { Generated } from "kysely";

/** Current version of every applied document. Bodies are canonical JSON text on both databases. */
export interface DocumentTable {
  kind: string;
  name: string;
  generation: number;
  hash: string;
  body: string;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}

/** Every change to a document, kept forever: applied versions and deletions. */
export interface DocumentHistoryTable {
  id: Generated<number>;
  kind: string;
  name: string;
  generation: number;
  operation: "apply" | "delete";
  hash: string;
  body: string | null;
  at: string;
  actor: string | null;
}

/** API tokens: only a sha256 of the secret is kept. */
export interface TokenTable {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface Schema {
  documents: DocumentTable;
  document_history: DocumentHistoryTable;
  api_tokens: TokenTable;
}
