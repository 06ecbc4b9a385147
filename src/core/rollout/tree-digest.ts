import { createHash } from "node:crypto";

/** One entry of a directory artifact, as the adapter found it on disk. */
export interface TreeEntry {
  /** Path relative to the artifact root, `/`-separated. */
  readonly path: string;
  readonly kind: "file" | "symlink";
  readonly executable: boolean;
  /** Hex sha256 of the file's bytes, or of the symlink's target text. */
  readonly contentSha256: string;
}

/**
 * The digest of a directory artifact: sha256 over one line per entry,
 * `<kind> <x|-> <content sha256> <path>\n`, entries sorted by path in UTF-8 byte order.
 * Directories contribute through their entries only (empty ones do not count), and times, owners
 * and permission bits other than "executable" are left out, so a copy or a re-extracted archive
 * hashes the same — the rule Git and Nix follow for tree hashes.
 */
export function treeDigest(entries: readonly TreeEntry[]): string {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const hash = createHash("sha256");
  for (const e of sorted) {
    hash.update(`${e.kind} ${e.executable ? "x" : "-"} ${e.contentSha256} ${e.path}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

/** The `sha256:<hex>` form of a hex digest of plain bytes (a command artifact). */
export function fileDigest(contentSha256: string): string {
  return `sha256:${contentSha256}`;
}
