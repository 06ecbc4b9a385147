import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import type { FleetArtifact } from "./fleet-artifacts.js";

/** A document file as the API takes it (`application/vnd.upshift.files+json`). */
export interface DocumentFile {
  readonly name: string;
  readonly text: string;
}

/** Where each service's router listens in this demo: `host:port` by service. */
export type FleetListeners = Readonly<Record<string, string>>;

export const FLEET_FILES = ["fleet.yaml", "environment.yaml", "release-v1.yaml", "release-v2.yaml"] as const;

type Doc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };

/**
 * The fleet's documents made true for this machine and this demo's directories: the routers'
 * listen addresses and the services' `<SERVICE>_URL` parameters follow `listeners`; every Release
 * artifact's `uri` points at its build directory (and synthetic checks at the storefront's router),
 * and its digest must be the build's (a stale
 * digest is an error naming the file, service and both digests). With `firstDeploy`, Services say
 * that nothing runs in `demo` yet (`environments.demo.version: none`), as before the fleet's first
 * Release; without it they say what the committed files say (1.0.0 runs).
 */
export async function renderFleetDocuments(
  fleetDir: string,
  artifacts: readonly FleetArtifact[],
  listeners: FleetListeners,
  options: { readonly firstDeploy: boolean },
): Promise<DocumentFile[]> {
  const files: DocumentFile[] = [];
  for (const name of FLEET_FILES) {
    const text = await readFile(join(fleetDir, name), "utf8");
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Doc);
    for (const doc of docs) {
      if (doc.kind === "Environment") renderEnvironment(doc, listeners);
      if (doc.kind === "Release") renderRelease(doc, name, artifacts, listeners);
      if (doc.kind === "Service" && options.firstDeploy) {
        const envs = (doc.spec.environments ?? {}) as Record<string, Record<string, unknown>>;
        envs.demo = { ...envs.demo, version: "none" };
        doc.spec.environments = envs;
      }
    }
    files.push({ name: `examples/fleet/${name}`, text: docs.map((d) => stringify(d)).join("---\n") });
  }
  return files;
}

function renderEnvironment(doc: Doc, listeners: FleetListeners): void {
  const router = doc.spec.router as { settings?: { services?: Record<string, { listen: string }> } };
  const services = router.settings?.services ?? {};
  const parameters = (doc.spec.parameters ?? {}) as Record<string, string | number | boolean>;
  for (const [service, listen] of Object.entries(listeners)) {
    services[service] = { ...services[service], listen };
    const variable = `${service.toUpperCase()}_URL`;
    if (variable in parameters) parameters[variable] = `http://${listen}`;
  }
}

function renderRelease(
  doc: Doc,
  file: string,
  artifacts: readonly FleetArtifact[],
  listeners: FleetListeners,
): void {
  // Synthetic checks reach the fleet through the storefront's router, wherever it listens.
  for (const c of (doc.spec.checks ?? []) as { check: { kind: string; baseUrl?: string } }[])
    if (c.check.kind === "synthetic-http" && listeners.storefront !== undefined)
      c.check.baseUrl = `http://${listeners.storefront}`;
  const changes = doc.spec.changes as {
    service: string;
    version: string;
    artifact?: { uri?: string; digest: string };
  }[];
  for (const change of changes) {
    if (change.artifact === undefined) continue;
    const built = artifacts.find((a) => a.service === change.service && a.version === change.version);
    if (built === undefined)
      throw new Error(
        `examples/fleet/${file}: ${change.service} ${change.version} has no script examples/fleet/services/${change.service}/${change.version}.mjs`,
      );
    if (built.digest !== change.artifact.digest)
      throw new Error(
        `examples/fleet/${file}: ${change.service} ${change.version} says digest ${change.artifact.digest}, but its build is ${built.digest}; put the build's digest in the Release`,
      );
    change.artifact.uri = pathToFileURL(built.path).href;
  }
}
