import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { digestOfPath } from "../adapters/drivers/process/artifact-digest.js";

/** Where the demo fleet's documents and service sources live in the repository. */
export const FLEET_DIR = fileURLToPath(new URL("../../examples/fleet/", import.meta.url));

/** One built version of one service: a self-contained directory and its tree digest. */
export interface FleetArtifact {
  readonly service: string;
  readonly version: string;
  readonly path: string;
  readonly digest: string;
}

const RUNTIME = "fleet-service.mjs";

/**
 * Builds an artifact directory per service version, as a CI job would: `server.mjs` (the
 * version's script) beside a copy of the shared runtime. Files are written with mode 0644 so the
 * digest does not depend on the checkout's umask.
 */
export async function buildFleetArtifacts(outDir: string, sourceDir = FLEET_DIR): Promise<FleetArtifact[]> {
  const servicesDir = join(sourceDir, "services");
  const runtime = await readFile(join(servicesDir, RUNTIME));
  const artifacts: FleetArtifact[] = [];
  const services = (await readdir(servicesDir, { withFileTypes: true })).filter((d) => d.isDirectory());
  for (const service of services.map((d) => d.name).sort()) {
    const scripts = (await readdir(join(servicesDir, service))).filter((f) => f.endsWith(".mjs")).sort();
    for (const script of scripts) {
      const version = script.slice(0, -".mjs".length);
      const path = join(outDir, `${service}-${version}`);
      await rm(path, { recursive: true, force: true });
      await mkdir(path, { recursive: true });
      for (const [name, bytes] of [
        ["server.mjs", await readFile(join(servicesDir, service, script))],
        [RUNTIME, runtime],
      ] as const) {
        await writeFile(join(path, name), bytes);
        await chmod(join(path, name), 0o644);
      }
      artifacts.push({ service, version, path, digest: await digestOfPath(path) });
    }
  }
  return artifacts;
}
