import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { SourceFile } from "../core/documents/yaml-source.js";
import { DEFAULT_PARSE_LIMITS } from "../core/documents/yaml-source.js";
import { CliError, EXIT } from "./exit-codes.js";

const DOCUMENT_FILE = /\.(ya?ml|json)$/i;

function collect(path: string, out: string[]): void {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new CliError(`${path}: no such file or directory`, EXIT.invalid);
  }
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) {
      if (entry.startsWith(".") || entry === "node_modules") continue;
      const child = join(path, entry);
      if (statSync(child).isDirectory() || DOCUMENT_FILE.test(entry)) collect(child, out);
    }
  } else out.push(path);
}

/**
 * Reads every document file under `paths` (files, or directories searched for .yaml/.yml/.json).
 * A file over the size limit is not read at all: its text is replaced by a marker the validator
 * reports as too large, so a 50 MB file costs nothing.
 */
export function readSources(paths: readonly string[]): SourceFile[] {
  const files: string[] = [];
  for (const p of paths) collect(p, files);
  if (files.length === 0)
    throw new CliError(`no .yaml, .yml or .json files under ${paths.join(", ")}`, EXIT.invalid);
  return files.map((file) => {
    const name = relative(process.cwd(), file) || file;
    const size = statSync(file).size;
    if (size > DEFAULT_PARSE_LIMITS.maxBytes) return { name, text: "", sizeBytes: size };
    return { name, text: readFileSync(file, "utf8") };
  });
}
