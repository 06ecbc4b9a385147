import type { DocumentOf } from "../documents/document-kinds.js";
import { InputError } from "../errors/domain-error.js";
import { mergeParameterLayers } from "../rollout/layered-parameters.js";
import { type ParameterSource, parseParameterSource } from "../rollout/secret-reference.js";

/** The parameter that holds a service's database URL unless `spec.migrations.database` names another. */
export const DEFAULT_DATABASE_PARAMETER = "database-url";

/** Where a service's migration target comes from in one environment; the value may be a secret reference. */
export interface MigrationDatabaseReference {
  readonly parameter: string;
  readonly source: ParameterSource;
  /** The layer that set it, for messages (`serviceEnvironment`, `environment`...). */
  readonly layer: string;
}

/**
 * The connection of a service's migrations in an environment: the parameter named by
 * `spec.migrations.database` (default `database-url`), merged from the Service's parameters, the
 * Environment's and the Service's own setting for that environment (later layers win). Its value
 * is a URL or a secret reference (`env:ORDERS_DATABASE_URL`, `file:/run/secrets/orders-db`).
 */
export function migrationDatabaseReference(
  service: DocumentOf<"Service">,
  environment: DocumentOf<"Environment"> | undefined,
  environmentName: string,
): MigrationDatabaseReference {
  const parameter = service.spec.migrations?.database ?? DEFAULT_DATABASE_PARAMETER;
  const merged = mergeParameterLayers({
    serviceDefaults: service.spec.parameters,
    environment: environment?.spec.parameters,
    serviceEnvironment: service.spec.environments?.[environmentName]?.parameters,
  });
  const found = merged[parameter];
  if (found === undefined)
    throw new InputError(
      "migration.no-database",
      `Service ${service.metadata.name} has no parameter "${parameter}" in environment ${environmentName}: set it in the Service's spec.environments.${environmentName}.parameters, its spec.parameters or Environment ${environmentName}'s spec.parameters, e.g. "${parameter}: env:${service.metadata.name.toUpperCase().replace(/-/g, "_")}_DATABASE_URL"`,
    );
  return { parameter, source: parseParameterSource(found.value), layer: found.layer };
}
