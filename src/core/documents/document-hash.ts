import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { UpshiftDocument } from "./document-kinds.js";

/** Content hash of a document: sha256 over its canonical JSON, as `sha256:<hex>`. */
export function documentHash(doc: UpshiftDocument): string {
  return `sha256:${createHash("sha256").update(canonicalJson(doc)).digest("hex")}`;
}
