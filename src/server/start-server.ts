import type { FastifyInstance } from "fastify";
import type { SourceFile } from "../core/documents/yaml-source.js";
import type { StoreConfig } from "../store/database.js";
import { openStore, type Store } from "../store/store.js";
import { buildApp, REDACTED_LOG_PATHS } from "./app.js";
import { changeFactsLookup } from "./changes/change-facts-lookup.js";
import { startChangeUpkeep } from "./changes/change-upkeep.js";
import { type EngineOptions, startEngine } from "./engine-runtime.js";
import { type AnchorSchedule, anchorScheduleFromEnv, startAnchoring } from "./notify/audit-anchoring.js";
import { type NotificationRuntimeOptions, startNotifications } from "./notify/notification-runtime.js";

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  readonly store: StoreConfig;
  /** Documents to apply at start (the Quick start applies the example workspace). */
  readonly apply?: readonly SourceFile[];
  /** On a store without tokens, create an admin token and print it once. */
  readonly bootstrapToken?: boolean;
  readonly logLevel?: string;
  /** Run the engine worker in this process (default true). */
  readonly engine?: boolean;
  readonly engineOptions?: EngineOptions;
  /** Notification dispatch and delivery in this process (default on); false turns them off. */
  readonly notifications?: NotificationRuntimeOptions | false;
  /** Periodic audit anchors (default: from UPSHIFT_ANCHOR_* variables); false turns them off. */
  readonly anchors?: AnchorSchedule | false;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly url: string;
  close(): Promise<void>;
}

/** Opens the store, applies start-up documents, listens, and stops gracefully on SIGTERM/SIGINT. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = await openStore(options.store);
  const app = await buildApp({
    store,
    logger: {
      level: options.logLevel ?? "info",
      redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" },
    },
  });
  if (options.apply && options.apply.length > 0) {
    const { outcomes } = await store.documents.apply(options.apply, {
      actor: "upshift-server",
      now: new Date(),
    });
    const changed = outcomes.filter((o) => o.action !== "unchanged").length;
    app.log.info(`applied ${outcomes.length} start-up documents (${changed} changed)`);
  }
  if (options.bootstrapToken && (await store.tokens.count()) === 0) {
    const { token } = await store.tokens.create("bootstrap-admin", "admin", new Date());
    process.stdout.write(
      `\nFirst start: created admin token (shown once):\n  export UPSHIFT_TOKEN=${token}\n\n`,
    );
  }
  const log = {
    info: (m: string, f?: object) => app.log.info(f ?? {}, m),
    warn: (m: string, f?: object) => app.log.warn(f ?? {}, m),
  };
  // Checked before anything starts: a misconfigured anchor destination stops the server here.
  const anchorSchedule =
    options.anchors === false ? undefined : (options.anchors ?? anchorScheduleFromEnv(process.env));
  const anchoring = anchorSchedule === undefined ? undefined : startAnchoring(store, anchorSchedule, { log });
  const engine =
    options.engine === false
      ? undefined
      : startEngine(store, {
          ...options.engineOptions,
          log: { info: (m, f) => app.log.info(f ?? {}, m), warn: (m, f) => app.log.warn(f ?? {}, m) },
        });
  const stopChangeUpkeep = startChangeUpkeep(store, (m) => app.log.warn(m));
  const notifications =
    options.notifications === false
      ? undefined
      : await startNotifications(store, { log, changes: changeFactsLookup(store), ...options.notifications });
  const address = await app.listen({ port: options.port, host: options.host });
  process.stdout.write(
    `Upshift listening on ${address} (store: ${store.database.dialect} at ${store.database.location}); API docs at ${address}/docs\n`,
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopChangeUpkeep();
      await engine?.worker.stop();
      await notifications?.stop();
      await anchoring?.stop();
      await app.close();
      await store.close();
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info(`${signal}: finishing requests in flight, then stopping`);
    void close().then(() => process.exit(0));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return { app, store, url: address, close };
}
