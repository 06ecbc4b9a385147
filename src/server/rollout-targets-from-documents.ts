import { isAbsolute, join, resolve } from "node:path";
import { createCommandDriver } from "../adapters/drivers/command/command-driver.js";
import { parseCommandDriverSettings } from "../adapters/drivers/command/command-driver-settings.js";
import { gatherPreCheckFacts } from "../adapters/drivers/process/gather-pre-check-facts.js";
import { createProcessDriver } from "../adapters/drivers/process/process-driver.js";
import {
  parseProcessDriverSettings,
  processArtifact,
} from "../adapters/drivers/process/process-driver-settings.js";
import { BuiltinTrafficRouter } from "../adapters/traffic/builtin/builtin-traffic-router.js";
import { NginxTrafficRouter } from "../adapters/traffic/nginx/nginx-traffic-router.js";
import type { EnvironmentSpec } from "../core/documents/kinds/environment.js";
import type { ServiceSpec } from "../core/documents/kinds/service.js";
import { ConflictError, InputError, NotFoundError } from "../core/errors/domain-error.js";
import type { ArtifactSpec } from "../core/rollout/artifact-spec.js";
import { DriverError } from "../core/rollout/driver-error.js";
import type { Driver } from "../core/rollout/driver-port.js";
import { mergeParameterLayers, parameterValues } from "../core/rollout/layered-parameters.js";
import { describePreCheckFailures, evaluatePreChecks } from "../core/rollout/pre-check.js";
import { probeFromService } from "../core/rollout/probe-from-service.js";
import type { TrafficRouter } from "../core/traffic/traffic-router.js";
import type {
  RolloutTarget,
  RolloutTargetRequest,
  RolloutTargets,
} from "../engine/rollout/rollout-target.js";
import type { Store } from "../store/store.js";

/** Free space a process driver's state directory needs before a deploy (logs grow there). */
const MIN_FREE_BYTES = 16 * 1024 * 1024;

type DriverDoc = { readonly type?: string; readonly settings?: Record<string, unknown> };

/**
 * Builds a rollout step's driver, router and deploy requests from the stored Environment and
 * Service documents and the artifact registry. Drivers and routers are cached by their settings:
 * they hold no state of their own beyond their directories, which outlive this process.
 */
export function rolloutTargetsFromDocuments(
  store: Store,
  options: { readonly stateDir: string },
): RolloutTargets {
  const base = resolve(options.stateDir);
  const at = (dir: unknown, fallback: string) =>
    typeof dir === "string" ? (isAbsolute(dir) ? dir : join(base, dir)) : join(base, fallback);
  const drivers = new Map<string, Driver>();
  const routers = new Map<string, TrafficRouter>();

  async function documents(environment: string, service?: string) {
    const env = await store.documents.get("Environment", environment);
    if (env === undefined || env.doc.kind !== "Environment")
      throw new NotFoundError("environment.not-found", `no Environment "${environment}" is applied`);
    if (service === undefined) return { env: env.doc.spec as EnvironmentSpec, svc: undefined };
    const svc = await store.documents.get("Service", service);
    if (svc === undefined || svc.doc.kind !== "Service")
      throw new NotFoundError("service.not-found", `no Service "${service}" is applied`);
    return { env: env.doc.spec as EnvironmentSpec, svc: svc.doc.spec as ServiceSpec };
  }

  function routerOf(env: EnvironmentSpec, environment: string): TrafficRouter | undefined {
    const r = env.router;
    if (r === undefined || r.type === "none") return undefined;
    const settings = r.settings ?? {};
    const key = JSON.stringify([r.type, environment, settings]);
    const cached = routers.get(key);
    if (cached !== undefined) return cached;
    const services = settings.services as Record<string, { listen: string; sticky?: boolean }> | undefined;
    if (services === undefined || typeof services !== "object")
      throw new InputError(
        "router.settings",
        `router.settings.services must map each service to {listen: "host:port"}; got ${JSON.stringify(settings.services)}`,
      );
    if (r.type === "nginx" && typeof settings.statusListen !== "string")
      throw new InputError(
        "router.settings",
        `router.settings.statusListen of Environment ${environment} must be a free loopback "host:port" where nginx reports its configuration`,
      );
    // Each environment has its own routers unless the settings name a shared directory: the same
    // service in two environments must never share a route.
    const router =
      r.type === "builtin"
        ? new BuiltinTrafficRouter({
            stateDir: at(settings.stateDir, join("routers", environment)),
            services,
          })
        : new NginxTrafficRouter({
            directory: at(settings.directory, join("nginx", environment)),
            services,
            statusListen: String(settings.statusListen),
            ...(typeof settings.binary === "string" ? { binary: settings.binary } : {}),
            ...(typeof settings.mainConfig === "string" ? { mainConfig: settings.mainConfig } : {}),
          });
    routers.set(key, router);
    return router;
  }

  function driverDoc(env: EnvironmentSpec, svc: ServiceSpec, environment: string): DriverDoc {
    const own = svc.environments?.[environment]?.driver;
    return {
      type: own?.type ?? svc.driver?.type ?? env.driver?.type ?? "process",
      settings: { ...env.driver?.settings, ...svc.driver?.settings, ...own?.settings },
    };
  }

  async function resolveTarget(request: RolloutTargetRequest): Promise<RolloutTarget> {
    const { environment, service } = request;
    const { env, svc } = await documents(environment, service);
    if (svc === undefined) throw new Error("unreachable");
    const doc = driverDoc(env, svc, environment);
    const settings = doc.settings ?? {};
    let driver: Driver;
    let workDirs: string[] = [];
    let users: string[] = [];
    let artifactOf: (a: { uri?: string; digest: string }) => ArtifactSpec;
    if (doc.type === "process") {
      const parsed = parseProcessDriverSettings(settings);
      const stateDir = at(parsed.stateDir, "process");
      const key = `process:${stateDir}`;
      driver =
        drivers.get(key) ??
        createProcessDriver({
          stateDir,
          ...(parsed.graceMs !== undefined ? { graceMs: parsed.graceMs } : {}),
        });
      drivers.set(key, driver);
      workDirs = [stateDir];
      artifactOf = (a) => processArtifact(a, parsed);
    } else if (doc.type === "command") {
      const { replicas: _r, ...rest } = settings;
      const parsed = parseCommandDriverSettings(rest);
      driver = createCommandDriver(parsed);
      users = parsed.user ? [parsed.user] : [];
      artifactOf = (a) => ({ kind: "command", command: [a.uri ?? a.digest], digest: a.digest });
    } else {
      throw new InputError(
        "driver.unsupported",
        `${service} in ${environment}: driver "${doc.type}" cannot roll out; use process or command`,
      );
    }
    const replicas = typeof settings.replicas === "number" ? settings.replicas : 1;
    const parameters = parameterValues(
      mergeParameterLayers({
        serviceDefaults: svc.parameters,
        environment: env.parameters,
        serviceEnvironment: svc.environments?.[environment]?.parameters,
      }),
    );

    /** The artifact of a version: the Release's for `to` (recorded in the registry), else the registry's. */
    async function artifactFor(version: string): Promise<ArtifactSpec> {
      const registered = await store.artifacts.get(service, version);
      if (version === request.to && request.artifact !== undefined) {
        const offered = request.artifact;
        if (registered !== undefined && registered.digest !== offered.digest)
          throw new ConflictError(
            "artifact.digest-mismatch",
            `the Release deploys ${service} ${version} as ${offered.digest}, but the registry holds ${registered.digest} for that version; nothing was changed`,
          );
        const uri = offered.uri ?? registered?.path ?? undefined;
        if (registered === undefined)
          await store.artifacts.register(
            { name: service, version, digest: offered.digest, path: uri ?? null },
            { actor: "upshift-engine", now: new Date() },
          );
        return artifactOf({ ...(uri ? { uri } : {}), digest: offered.digest });
      }
      if (registered === undefined)
        throw new DriverError(
          "invalid-request",
          `no artifact is known for ${service} ${version}: register it with "upshift artifact register --name ${service} --version ${version} --digest sha256:… --path …"`,
        );
      return artifactOf({ ...(registered.path ? { uri: registered.path } : {}), digest: registered.digest });
    }

    const router = routerOf(env, environment);
    const listeners = env.router?.settings?.services as Record<string, unknown> | undefined;
    if (router !== undefined && listeners?.[service] === undefined)
      throw new InputError(
        "router.settings",
        `router.settings.services of Environment ${environment} has no entry for ${service}; add ${service}: {listen: "host:port"}`,
      );
    return {
      driver,
      router,
      replicas,
      async deployRequest(version, slot, count) {
        return {
          service,
          environment,
          version,
          slot,
          replicas: count,
          artifact: await artifactFor(version),
          parameters,
          probe: probeFromService(svc.probes?.readiness),
        };
      },
      async preCheck(versions) {
        const artifacts: ArtifactSpec[] = [];
        const problems: string[] = [];
        for (const v of versions) {
          try {
            artifacts.push(await artifactFor(v));
          } catch (e) {
            if (!(e instanceof DriverError || e instanceof ConflictError)) throw e;
            problems.push(`pre-check artifact failed at ${service} ${v}: ${e.message}`);
          }
        }
        const facts = await gatherPreCheckFacts({
          workDirs,
          minFreeBytes: MIN_FREE_BYTES,
          ports: [],
          artifacts: doc.type === "process" ? artifacts : [],
          parameters,
          requiredParameters: [],
          dependencies: [],
          users,
        });
        const report = evaluatePreChecks(facts);
        return [...problems, ...(report.passed ? [] : describePreCheckFailures(report).split("\n"))];
      },
    };
  }

  return {
    resolve: resolveTarget,
    async routerFor(environment) {
      return routerOf((await documents(environment)).env, environment);
    },
    async instancesOf(service, environment) {
      const target = await resolveTarget({ environment, service, to: "" });
      return target.driver.observe({ service, environment });
    },
  };
}
