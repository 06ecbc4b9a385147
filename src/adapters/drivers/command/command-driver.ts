import { DriverError } from "../../../core/rollout/driver-error.js";
import type {
  DeployRequest,
  Driver,
  DriverActionOptions,
  DriverActionResult,
  Instance,
  ServiceTarget,
} from "../../../core/rollout/driver-port.js";
import { resolveSecrets, SecretUnresolvedError } from "../../../core/rollout/resolve-secrets.js";
import type { Weights } from "../../../core/rollout/rollout-action.js";
import { readSecret } from "../process/read-secret.js";
import { lookupAccount } from "../process/system-account.js";
import { type ActionAnswer, actionAnswer, observeAnswer, parseAnswer } from "./command-answer.js";
import { runJsonCommand } from "./run-json-command.js";

/** Version of the stdin/stdout protocol, sent with every request so scripts can check it. */
export const COMMAND_PROTOCOL = "upshift.dev/command-driver/v1";

type Argv = readonly string[];

export interface CommandDriverOptions {
  /** Argument arrays of the user's executables, one per action; never shell strings. */
  readonly commands: {
    readonly deploy: Argv;
    readonly observe: Argv;
    readonly retire: Argv;
    readonly scale?: Argv;
    readonly switch?: Argv;
  };
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Extra variables for the commands (not secrets: those travel in the request's parameters). */
  readonly env?: Readonly<Record<string, string>>;
  readonly inheritEnv?: readonly string[];
  /** The account the commands run as (HOME and USER follow it); checked by the `user` pre-check. */
  readonly user?: string;
}

/** A Driver that can also move traffic, for tooling that owns its own load balancer. */
export interface CommandDriver extends Driver {
  switchTraffic(
    target: ServiceTarget,
    weights: Weights,
    options: DriverActionOptions,
  ): Promise<DriverActionResult>;
}

const ACTION_EXAMPLE =
  '{"changed": true, "instances": [{"version": "2.0.0", "slot": "canary", "health": "healthy"}]}';

/**
 * The `command` driver: the bridge to Ansible, Helm, kubectl, Puppet or shell. Each action runs the
 * user's executable with a JSON request on stdin and reads a JSON answer from stdout.
 */
export function createCommandDriver(options: CommandDriverOptions): CommandDriver {
  const inherit = options.inheritEnv ?? ["PATH", "HOME", "LANG", "TZ"];
  const env = {
    ...Object.fromEntries(
      inherit.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] as string]])),
    ),
    ...options.env,
  };

  async function run(
    action: string,
    argv: Argv | undefined,
    request: Record<string, unknown>,
    secretValues: readonly string[],
    opts: { readonly timeoutMs?: number; readonly signal?: AbortSignal },
  ) {
    if (argv === undefined || argv.length === 0)
      throw new DriverError("invalid-request", `the command driver has no ${action} command configured`);
    const account = options.user === undefined ? undefined : await lookupAccount(options.user);
    if (options.user !== undefined && account === undefined)
      throw new DriverError(
        "invalid-request",
        `the command driver runs as user ${options.user}, who does not exist on this host`,
      );
    const result = await runJsonCommand(
      argv,
      { protocol: COMMAND_PROTOCOL, action, ...request },
      {
        cwd: options.cwd,
        env:
          account === undefined
            ? env
            : { ...env, HOME: account.home, USER: account.name, LOGNAME: account.name },
        account,
        timeoutMs: opts.timeoutMs ?? options.timeoutMs ?? 60_000,
        signal: opts.signal,
        secretValues,
      },
    );
    const what = `${action} command ${JSON.stringify(argv)}`;
    if (result.exitCode !== 0) {
      const last = result.log
        .filter((l) => l.startsWith("stderr: "))
        .at(-1)
        ?.slice("stderr: ".length);
      throw new DriverError(
        "command-failed",
        `${what} exited with code ${result.exitCode}${last ? `: ${last}` : ""}`,
        {
          log: result.log,
        },
      );
    }
    return { result, what };
  }

  const instances = (
    t: ServiceTarget,
    a: ActionAnswer | { instances: ActionAnswer["instances"] },
  ): Instance[] =>
    (a.instances ?? []).map((i, n) => ({
      ...i,
      index: i.index ?? n,
      service: t.service,
      environment: t.environment,
    }));

  async function act(
    action: "deploy" | "scale" | "retire" | "switch",
    target: ServiceTarget,
    fields: Record<string, unknown>,
    secretValues: readonly string[],
    opts: DriverActionOptions,
  ): Promise<DriverActionResult> {
    const { result, what } = await run(
      action,
      options.commands[action],
      {
        service: target.service,
        environment: target.environment,
        ...fields,
        idempotencyKey: opts.idempotencyKey,
        fence: opts.fence,
      },
      secretValues,
      opts,
    );
    const answer = parseAnswer(actionAnswer, result.stdout, what, ACTION_EXAMPLE, {
      log: result.log,
      secretValues,
    });
    const log = answer.message === undefined ? result.log : [...result.log, answer.message];
    return { changed: answer.changed, instances: instances(target, answer), log };
  }

  return {
    kind: "command",
    async observe(target, opts = {}) {
      const { result, what } = await run("observe", options.commands.observe, { ...target }, [], opts);
      const answer = parseAnswer(observeAnswer, result.stdout, what, '{"instances": []}', {
        log: result.log,
        secretValues: [],
      });
      return instances(target, answer);
    },
    async deploy(request: DeployRequest, opts) {
      let resolved: ReturnType<typeof resolveSecrets>;
      try {
        // Secrets reach the user's tool on stdin only, never in argv (visible in ps) or in logs.
        resolved = resolveSecrets(request.parameters, readSecret);
      } catch (e) {
        throw e instanceof SecretUnresolvedError ? new DriverError("secret-unresolved", e.message) : e;
      }
      const { version, slot, replicas, artifact, probe } = request;
      return act(
        "deploy",
        request,
        { version, slot, replicas, artifact, probe, parameters: resolved.env },
        resolved.secretValues,
        opts,
      );
    },
    scale: (target, slot, replicas, opts) => act("scale", target, { slot, replicas }, [], opts),
    retire: (target, slot, opts) => act("retire", target, { slot }, [], opts),
    switchTraffic: (target, weights, opts) => act("switch", target, { weights }, [], opts),
  };
}
