import type { FastifyInstance } from "fastify";
import { InputError } from "../../core/errors/domain-error.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";

function field(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string")
    throw new InputError(
      "artifact.bad-request",
      `"${name}" must be a string; send {name, version, digest, path?}`,
    );
  return v;
}

/** `POST /v1/artifacts` registers a version's digest for good; `GET /v1/artifacts` lists them. */
export function registerArtifactRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.post("/v1/artifacts", async (request, reply) => {
    const principal = requireRole(request, "operator");
    let body: Record<string, unknown> = {};
    const raw = request.body;
    try {
      body = (typeof raw === "string" ? JSON.parse(raw || "{}") : (raw ?? {})) as Record<string, unknown>;
    } catch (error) {
      throw new InputError("request.bad-json", `the request body must be JSON: ${(error as Error).message}`);
    }
    const path = field(body, "path", false);
    const { artifact, created } = await store.artifacts.register(
      {
        name: field(body, "name", true) ?? "",
        version: field(body, "version", true) ?? "",
        digest: field(body, "digest", true) ?? "",
        ...(path !== undefined ? { path } : {}),
      },
      { actor: principal.name, now: now() },
    );
    return reply.code(created ? 201 : 200).send({ ...artifact, created });
  });

  app.get<{ Querystring: { name?: string } }>("/v1/artifacts", async (request) => {
    requireRole(request, "viewer");
    return { items: await store.artifacts.list(request.query.name) };
  });
}
