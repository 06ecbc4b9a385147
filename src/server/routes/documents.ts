import type { FastifyInstance } from "fastify";
import { DOCUMENT_KINDS, type DocumentKind, resolveKindName } from "../../core/documents/document-kinds.js";
import type { SourceFile } from "../../core/documents/yaml-source.js";
import { InputError, NotFoundError } from "../../core/errors/domain-error.js";
import type { StoredDocument } from "../../store/document-repository.js";
import type { Store } from "../../store/store.js";
import { requireRole } from "../auth.js";

function kindFrom(text: string): DocumentKind {
  const kind = resolveKindName(text);
  if (kind === undefined)
    throw new InputError(
      "documents.unknown-kind",
      `unknown kind "${text}"; one of ${DOCUMENT_KINDS.join(", ")}`,
    );
  return kind;
}

/** The CLI sends files with their names, so that problems point into the user's own files. */
export const FILES_MEDIA_TYPE = "application/vnd.upshift.files+json";

function filesFromEnvelope(body: string): SourceFile[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new InputError(
      "documents.bad-envelope",
      `the ${FILES_MEDIA_TYPE} body is not JSON: ${(error as Error).message}`,
    );
  }
  const files = (parsed as { files?: unknown }).files;
  const valid =
    Array.isArray(files) &&
    files.length > 0 &&
    files.every(
      (f) =>
        typeof f?.name === "string" &&
        typeof f?.text === "string" &&
        (f.sizeBytes === undefined || typeof f.sizeBytes === "number"),
    );
  if (!valid) {
    throw new InputError(
      "documents.bad-envelope",
      `the ${FILES_MEDIA_TYPE} body must be {"files": [{"name": string, "text": string}, …]} with at least one file`,
    );
  }
  return files as SourceFile[];
}

const present = (s: StoredDocument) => ({
  document: s.doc,
  generation: s.generation,
  hash: s.hash,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  updatedBy: s.updatedBy,
});

/** Document routes: apply (all or nothing), list, get, history, delete. */
export function registerDocumentRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.post<{ Querystring: { dryRun?: string } }>("/v1/documents", async (request) => {
    const principal = requireRole(request, "operator");
    const body = request.body;
    if (typeof body !== "string" || body.trim() === "") {
      throw new InputError(
        "documents.empty-body",
        "send one or more documents as YAML (application/yaml) or JSON (application/json)",
      );
    }
    const dryRun = request.query.dryRun === "true" || request.query.dryRun === "1";
    const files = String(request.headers["content-type"]).startsWith(FILES_MEDIA_TYPE)
      ? filesFromEnvelope(body)
      : [{ name: "request-body", text: body }];
    const { outcomes } = await store.documents.apply(files, {
      actor: principal.name,
      now: now(),
      dryRun,
    });
    return { dryRun, applied: outcomes };
  });

  app.get<{ Params: { kind: string } }>("/v1/documents/:kind", async (request) => {
    requireRole(request, "viewer");
    return { items: (await store.documents.list(kindFrom(request.params.kind))).map(present) };
  });

  app.get<{ Params: { kind: string; name: string } }>("/v1/documents/:kind/:name", async (request) => {
    requireRole(request, "viewer");
    const kind = kindFrom(request.params.kind);
    const found = await store.documents.get(kind, request.params.name);
    if (found === undefined)
      throw new NotFoundError("document.not-found", `${kind} "${request.params.name}" does not exist`);
    return present(found);
  });

  app.get<{ Params: { kind: string; name: string } }>(
    "/v1/documents/:kind/:name/history",
    async (request) => {
      requireRole(request, "viewer");
      const kind = kindFrom(request.params.kind);
      const history = await store.documents.history(kind, request.params.name);
      if (history.length === 0)
        throw new NotFoundError("document.not-found", `${kind} "${request.params.name}" has no history`);
      return { items: history };
    },
  );

  app.delete<{ Params: { kind: string; name: string } }>(
    "/v1/documents/:kind/:name",
    async (request, reply) => {
      const principal = requireRole(request, "operator");
      await store.documents.delete(kindFrom(request.params.kind), request.params.name, {
        actor: principal.name,
        now: now(),
      });
      return reply.code(204).send();
    },
  );
}
