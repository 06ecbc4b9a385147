import { dirname, join } from "node:path";
import { artifactPath } from "../../../core/rollout/artifact-spec.js";
import { DriverError } from "../../../core/rollout/driver-error.js";
import type { DeployRequest } from "../../../core/rollout/driver-port.js";
import { DEFAULT_PROBE } from "../../../core/rollout/health-probe.js";
import { renderInstanceEnvironment } from "../../../core/rollout/layered-parameters.js";
import { resolveSecrets, SecretUnresolvedError } from "../../../core/rollout/resolve-secrets.js";
import { readSecret } from "./read-secret.js";
import type { InstanceLaunch } from "./start-instance.js";

/** What the driver adds to a deploy request to launch one of its instances. */
export interface LaunchContext {
  readonly stateDir: string;
  readonly host: string;
  readonly inheritEnv: readonly string[];
  readonly idempotencyKey: string;
  readonly deadline: number;
  readonly signal?: AbortSignal;
}

/**
 * The launch of instance `index` of a deploy request on `port`: its argv and working directory
 * from the artifact, and its environment with secrets resolved (here, at deploy time, and only in
 * memory). Throws `secret-unresolved` naming the parameter when a secret cannot be read.
 */
export function instanceLaunch(
  request: DeployRequest,
  index: number,
  port: number,
  c: LaunchContext,
): InstanceLaunch {
  let resolved: ReturnType<typeof resolveSecrets>;
  try {
    resolved = resolveSecrets(
      renderInstanceEnvironment(request.parameters, { ...request, index, port }),
      readSecret,
    );
  } catch (e) {
    if (e instanceof SecretUnresolvedError) throw new DriverError("secret-unresolved", e.message);
    throw e;
  }
  const inherited = Object.fromEntries(
    c.inheritEnv.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])),
  );
  const { artifact } = request;
  return {
    record: {
      service: request.service,
      environment: request.environment,
      slot: request.slot,
      index,
      version: request.version,
      port,
      artifactDigest: artifact.digest,
      idempotencyKey: c.idempotencyKey,
      logFile: join(c.stateDir, "logs", request.service, request.environment, `${request.slot}-${index}.log`),
      probe: request.probe ?? DEFAULT_PROBE,
    },
    argv: artifact.kind === "directory" ? artifact.start : artifact.command,
    cwd: artifact.kind === "directory" ? artifact.path : dirname(artifactPath(artifact)),
    env: { ...inherited, ...resolved.env },
    secretValues: resolved.secretValues,
    host: c.host,
    deadline: c.deadline,
    signal: c.signal,
  };
}
