import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Role, roleAllows } from "../core/auth/role.js";
import { NotAllowedError, UnauthenticatedError } from "../core/errors/domain-error.js";
import type { Store } from "../store/store.js";
import type { TokenInfo } from "../store/token-repository.js";

declare module "fastify" {
  interface FastifyRequest {
    principal?: TokenInfo;
  }
}

/** Every /v1 route needs a bearer token; routes then ask for a minimum role. */
export function registerAuth(app: FastifyInstance, store: Store, now: () => Date): void {
  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/v1/") && request.url !== "/v1") return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (match === null) {
      throw new UnauthenticatedError(
        "auth.missing-token",
        "this route needs an API token: send `Authorization: Bearer <token>` (create one with `upshift token create`)",
      );
    }
    const principal = await store.tokens.authenticate(match[1] ?? "", now());
    if (principal === undefined)
      throw new UnauthenticatedError("auth.invalid-token", "the API token is unknown or revoked");
    request.principal = principal;
  });
}

/** Throws unless the caller's role includes `needed`. */
export function requireRole(request: FastifyRequest, needed: Role): TokenInfo {
  const principal = request.principal;
  if (principal === undefined)
    throw new UnauthenticatedError("auth.missing-token", "this route needs an API token");
  if (!roleAllows(principal.role, needed)) {
    throw new NotAllowedError(
      "auth.role",
      `token "${principal.name}" has role ${principal.role}; this needs ${needed} or above`,
    );
  }
  return principal;
}
