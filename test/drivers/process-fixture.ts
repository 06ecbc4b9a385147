import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestOfPath } from "../../src/adapters/drivers/process/artifact-digest.js";
import type { ArtifactSpec } from "../../src/core/rollout/artifact-spec.js";

export const SERVICE_DIR = new URL("./fixtures/http-service/", import.meta.url).pathname;

/** A fresh copy of the fixture service as a directory artifact, with its real digest. */
export async function serviceArtifact(root: string, name = "service"): Promise<ArtifactSpec> {
  const path = join(root, name);
  await cp(SERVICE_DIR, path, { recursive: true });
  return {
    kind: "directory",
    path,
    start: [process.execPath, "server.mjs"],
    digest: await digestOfPath(path),
  };
}

export const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), `upshift-${prefix}-`));

/** Every pid recorded under a state directory, so a test can kill what it started. */
export async function recordedPids(stateDir: string): Promise<number[]> {
  const pids: number[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = join(dir, d.name);
      if (d.isDirectory()) await walk(full);
      else if (d.name.endsWith(".json")) {
        const r = JSON.parse(await readFile(full, "utf8")) as { pid?: number };
        if (typeof r.pid === "number") pids.push(r.pid);
      }
    }
  };
  await walk(join(stateDir, "instances"));
  return pids;
}

/** Kills every recorded process group and removes the directories. */
export async function cleanUp(stateDir: string, ...dirs: string[]): Promise<void> {
  for (const pid of await recordedPids(stateDir)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const d of [stateDir, ...dirs]) await rm(d, { recursive: true, force: true });
}

/** Every file's text under a directory, for "the secret is written nowhere" checks. */
export async function allText(dir: string): Promise<string> {
  let text = "";
  for (const d of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (d.isFile()) text += await readFile(join(d.parentPath, d.name), "utf8");
  }
  return text;
}

export async function getJson(endpoint: string, path = "/"): Promise<Record<string, unknown>> {
  const res = await fetch(`http://${endpoint}${path}`);
  return (await res.json()) as Record<string, unknown>;
}
