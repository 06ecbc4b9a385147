/**
 * What a driver starts. A directory artifact is hashed as a tree (see tree-digest.ts); a command
 * artifact is the executable file named by `command[0]`, hashed as bytes.
 */
export type ArtifactSpec =
  | {
      readonly kind: "directory";
      readonly path: string;
      /** Argument array run inside the directory; never a shell string. */
      readonly start: readonly string[];
      readonly digest: string;
    }
  | { readonly kind: "command"; readonly command: readonly string[]; readonly digest: string };

/** The file or directory whose digest proves the artifact is the one released. */
export function artifactPath(artifact: ArtifactSpec): string {
  switch (artifact.kind) {
    case "directory":
      return artifact.path;
    case "command":
      return artifact.command[0] ?? "";
    default: {
      const never: never = artifact;
      return never;
    }
  }
}
