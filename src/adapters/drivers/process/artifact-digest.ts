import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readlink, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type ArtifactSpec, artifactPath } from "../../../core/rollout/artifact-spec.js";
import { fileDigest, type TreeEntry, treeDigest } from "../../../core/rollout/tree-digest.js";

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function walk(root: string, dir: string, out: TreeEntry[]): Promise<void> {
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, d.name);
    const path = relative(root, full).split(sep).join("/");
    if (d.isDirectory()) await walk(root, full, out);
    else if (d.isSymbolicLink()) {
      const target = await readlink(full);
      out.push({
        path,
        kind: "symlink",
        executable: false,
        contentSha256: createHash("sha256").update(target).digest("hex"),
      });
    } else if (d.isFile()) {
      const mode = (await lstat(full)).mode;
      out.push({
        path,
        kind: "file",
        executable: (mode & 0o111) !== 0,
        contentSha256: await sha256File(full),
      });
    }
  }
}

/** The `sha256:` digest of a directory (tree hash, see core/rollout/tree-digest.ts) or of one file. */
export async function digestOfPath(path: string): Promise<string> {
  const s = await stat(path);
  if (!s.isDirectory()) return fileDigest(await sha256File(path));
  const entries: TreeEntry[] = [];
  await walk(path, path, entries);
  return treeDigest(entries);
}

/** The artifact's actual digest, or undefined when it is not on disk. */
export async function digestOfArtifact(artifact: ArtifactSpec): Promise<string | undefined> {
  try {
    return await digestOfPath(artifactPath(artifact));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}
