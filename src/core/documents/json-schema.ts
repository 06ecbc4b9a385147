import { z } from "zod";
import { DOCUMENT_KINDS, DOCUMENT_SCHEMAS } from "./document-kinds.js";

/** JSON Schema (draft 2020-12) of one document kind, generated from its zod schema. */
export function kindJsonSchema(kind: keyof typeof DOCUMENT_SCHEMAS): Record<string, unknown> {
  return z.toJSONSchema(DOCUMENT_SCHEMAS[kind], {
    target: "draft-2020-12",
    unrepresentable: "any",
    io: "input",
  }) as Record<string, unknown>;
}

/**
 * The published schema for editors: any one Upshift document, selected by `kind`.
 * Generated, never hand-edited: `npm run schema` writes it to schema/upshift.schema.json.
 */
export function documentsJsonSchema(): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const kind of DOCUMENT_KINDS) {
    const { $schema: _ignored, ...schema } = kindJsonSchema(kind);
    defs[kind] = schema;
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://upshift.dev/schema/v1alpha1/upshift.schema.json",
    title: "Upshift document",
    description:
      "One Upshift document (apiVersion upshift.dev/v1alpha1); a file may hold several, separated by ---.",
    oneOf: DOCUMENT_KINDS.map((k) => ({ $ref: `#/$defs/${k}` })),
    $defs: defs,
  };
}
