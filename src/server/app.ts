import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { isReachable } from "../store/database.js";
import type { Store } from "../store/store.js";
import { registerAuth } from "./auth.js";
import { registerMetrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { sendProblem } from "./problem.js";
import { registerArtifactRoutes } from "./routes/artifacts.js";
import { registerCalendarRoutes } from "./routes/calendar.js";
import { registerChangeRoutes } from "./routes/changes.js";
import { registerChecklistRoutes } from "./routes/checklists.js";
import { registerCommunicationRoutes } from "./routes/communications.js";
import { FILES_MEDIA_TYPE, registerDocumentRoutes } from "./routes/documents.js";
import { registerPlanRoutes, runPlanFromStore } from "./routes/plans.js";
import { registerRolloutRoutes } from "./routes/rollouts.js";
import { type RunPlanner, registerRunRoutes } from "./routes/runs.js";
import { UPSHIFT_VERSION } from "./version.js";

export interface AppOptions {
  readonly store: Store;
  /** Turns a release and environment into a run plan (the planner); without it runs need explicit plans. */
  readonly planner?: RunPlanner;
  readonly logger?: FastifyServerOptions["logger"];
  readonly now?: () => Date;
}

/** Log settings: secrets in headers and bodies never reach the log. */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "*.token",
  "*.password",
  "*.secret",
];

/** The HTTP API as a Fastify instance, ready for `listen` or in-process `inject`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 16 * 1024 * 1024,
    return503OnClosing: true,
  });
  // Document bodies keep their text so that problems can point at line and column.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [
      "application/json",
      FILES_MEDIA_TYPE,
      "application/yaml",
      "application/x-yaml",
      "text/yaml",
      "text/plain",
    ],
    { parseAs: "string" },
    (_request, body, done) => done(null, body),
  );
  app.setErrorHandler((error, request, reply) => sendProblem(reply, request, error));
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type("application/problem+json")
      .send({
        type: "about:blank",
        title: "Not Found",
        status: 404,
        detail: `no route ${request.method} ${request.url.split("?")[0]}; see /openapi.json`,
        code: "http.no-route",
      }),
  );

  const spec = openApiDocument(UPSHIFT_VERSION);
  await app.register(swagger, { mode: "static", specification: { document: spec as never } });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const ok = await isReachable(store.database);
    return reply
      .code(ok ? 200 : 503)
      .send({ status: ok ? "ready" : "database unreachable", database: store.database.dialect });
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => spec);
  registerMetrics(app, store);
  registerAuth(app, store, now);
  registerDocumentRoutes(app, store, now);
  registerPlanRoutes(app, store, now);
  registerCalendarRoutes(app, store, now);
  registerChecklistRoutes(app, store, now);
  registerChangeRoutes(app, store, now);
  registerCommunicationRoutes(app, store);
  registerRunRoutes(
    app,
    store,
    now,
    options.planner ?? ((release, environment) => runPlanFromStore(store, release, environment)),
  );
  registerRolloutRoutes(app, store, now);
  registerArtifactRoutes(app, store, now);
  app.get("/v1/whoami", async (request) => ({
    name: request.principal?.name,
    role: request.principal?.role,
  }));
  return app;
}
