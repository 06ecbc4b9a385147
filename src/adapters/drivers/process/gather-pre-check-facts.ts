import { access, constants, rm, stat, statfs, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { artifactPath } from "../../../core/rollout/artifact-spec.js";
import type { PreCheckFact } from "../../../core/rollout/pre-check.js";
import type { PreCheckRequest } from "../../../core/rollout/pre-check-request.js";
import { describeSource, parseParameterSource } from "../../../core/rollout/secret-reference.js";
import { digestOfArtifact } from "./artifact-digest.js";
import { isPortFree } from "./free-port.js";
import { lookupAccount } from "./system-account.js";

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

/** Free bytes for unprivileged users on the file system that holds `path` (or its nearest parent). */
async function freeBytes(path: string): Promise<number> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch (e) {
      if ((errorCode(e) !== "ENOENT" && errorCode(e) !== "ENOTDIR") || dirname(p) === p) throw e;
    }
  }
}

/**
 * Writes and removes a probe file (the only honest test, since permission bits lie for root and
 * ACLs); a directory that does not exist yet is judged by its nearest existing parent, where the
 * driver would create it. Nothing else is created.
 */
async function writable(dir: string): Promise<{ writable: boolean; error?: string }> {
  let at = dir;
  while ((await stat(at).catch(() => undefined)) === undefined && dirname(at) !== at) at = dirname(at);
  const probe = join(at, `.upshift-write-check-${process.pid}`);
  try {
    await writeFile(probe, "");
    await rm(probe, { force: true });
    return { writable: true };
  } catch (e) {
    return { writable: false, error: at === dir ? errorCode(e) : `${errorCode(e)} at ${at}` };
  }
}

function reachable(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ reachable: boolean; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (r: { reachable: boolean; error?: string }) => {
      socket.destroy();
      resolve(r);
    };
    socket.once("connect", () => done({ reachable: true }));
    socket.once("timeout", () => done({ reachable: false, error: `no answer within ${timeoutMs} ms` }));
    socket.once("error", (e) => done({ reachable: false, error: errorCode(e) }));
  });
}

async function parameterFact(name: string, value: string | undefined): Promise<PreCheckFact> {
  if (value === undefined) return { kind: "parameter", name, resolvable: false };
  let source: ReturnType<typeof parseParameterSource>;
  try {
    source = parseParameterSource(value);
  } catch {
    return { kind: "parameter", name, source: "a malformed reference", resolvable: false };
  }
  const described = describeSource(source);
  switch (source.kind) {
    case "literal":
      return { kind: "parameter", name, source: described, resolvable: true };
    case "env":
      return {
        kind: "parameter",
        name,
        source: described,
        resolvable: process.env[source.name] !== undefined,
      };
    case "file":
      return {
        kind: "parameter",
        name,
        source: described,
        resolvable: await access(source.path, constants.R_OK).then(
          () => true,
          () => false,
        ),
      };
    default: {
      const never: never = source;
      return never;
    }
  }
}

/**
 * Gathers every fact a PreCheckRequest asks for, without changing anything but a probe file in the
 * work directories; evaluatePreChecks (core) judges them.
 */
export async function gatherPreCheckFacts(
  request: PreCheckRequest,
  options: { readonly tcpTimeoutMs?: number } = {},
): Promise<PreCheckFact[]> {
  const facts: PreCheckFact[] = [];
  for (const path of request.workDirs) {
    facts.push({
      kind: "diskSpace",
      path,
      freeBytes: await freeBytes(path),
      requiredBytes: request.minFreeBytes,
    });
    facts.push({ kind: "writable", path, ...(await writable(path)) });
  }
  for (const { host, port } of request.ports)
    facts.push({ kind: "portFree", host, port, ...(await isPortFree(port, host)) });
  for (const artifact of request.artifacts) {
    const actual = await digestOfArtifact(artifact);
    facts.push({
      kind: "artifact",
      path: artifactPath(artifact),
      present: actual !== undefined,
      expectedDigest: artifact.digest,
      actualDigest: actual,
    });
  }
  const secretNames = Object.entries(request.parameters)
    .filter(([, v]) => v.startsWith("env:") || v.startsWith("file:"))
    .map(([k]) => k);
  for (const name of new Set([...request.requiredParameters, ...secretNames]))
    facts.push(await parameterFact(name, request.parameters[name]));
  for (const d of request.dependencies)
    facts.push({
      kind: "dependency",
      ...d,
      ...(await reachable(d.host, d.port, options.tcpTimeoutMs ?? 2000)),
    });
  for (const name of request.users)
    facts.push({ kind: "user", name, exists: (await lookupAccount(name)) !== undefined });
  return facts;
}
