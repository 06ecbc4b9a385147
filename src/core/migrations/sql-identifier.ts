/** Quotes one SQL identifier the way PostgreSQL's quote_ident does: double quotes, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a possibly schema-qualified name: `orders` → `"orders"`, `sales.orders` →
 * `"sales"."orders"`. Names holding a dot must already be quoted by the caller's config.
 */
export function quoteQualifiedName(name: string): string {
  return name.split(".").map(quoteIdentifier).join(".");
}

/** A short identifier derived from a name, safe to embed in generated object names (≤ 40 chars). */
export function identifierSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return slug.slice(0, 40) || "x";
}
