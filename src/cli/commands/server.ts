import type { Command } from "commander";
import { CliError, EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { readSources } from "../read-sources.js";

/** `upshift server`: the API on the embedded store, or on PostgreSQL with UPSHIFT_DATABASE_URL. */
export function registerServer(program: Command): void {
  program
    .command("server")
    .description(
      "run the Upshift server (SQLite in --data-dir, or PostgreSQL when UPSHIFT_DATABASE_URL is set)",
    )
    .option("--port <port>", "TCP port", "7400")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--apply <paths...>", "documents to apply at start")
    .option("--bootstrap-token", "on a store without tokens, create an admin token and print it once")
    .option("--log-level <level>", "fatal, error, warn, info, debug", "info")
    .option("--no-engine", "serve the API only; run no engine worker in this process")
    .option(
      "--lease-ms <ms>",
      "step lease; a lost worker's steps move on after it (default UPSHIFT_LEASE_MS or 15000)",
    )
    .action(
      async (
        options: {
          port: string;
          host: string;
          apply?: string[];
          bootstrapToken?: boolean;
          logLevel: string;
          engine: boolean;
          leaseMs?: string;
        },
        command: Command,
      ) => {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new CliError(`--port must be 0-65535; got "${options.port}"`, EXIT.usage);
        const apply = options.apply ? readSources(options.apply) : [];
        // Loaded on demand so that other commands start without the HTTP server and database drivers.
        const { startServer } = await import("../../server/start-server.js");
        const { storeConfigFromEnv } = await import("../../store/store.js");
        const leaseMs = Number(options.leaseMs ?? process.env.UPSHIFT_LEASE_MS ?? 15_000);
        if (!Number.isInteger(leaseMs) || leaseMs < 100)
          throw new CliError(`--lease-ms must be an integer >= 100; got "${options.leaseMs}"`, EXIT.usage);
        const testEffectsFile = process.env.UPSHIFT_TEST_EFFECTS_FILE;
        await startServer({
          engine: options.engine,
          engineOptions: { leaseMs, ...(testEffectsFile ? { testEffectsFile } : {}) },
          port,
          host: options.host,
          store: storeConfigFromEnv(command.optsWithGlobals<GlobalOptions>().dataDir),
          apply,
          bootstrapToken: options.bootstrapToken === true,
          logLevel: options.logLevel,
        });
      },
    );
}
