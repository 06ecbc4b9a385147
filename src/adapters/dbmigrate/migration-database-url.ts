import type { DocumentOf } from "../../core/documents/document-kinds.js";
import { InputError } from "../../core/errors/domain-error.js";
import { migrationDatabaseReference } from "../../core/migrations/migration-database.js";
import { describeSource } from "../../core/rollout/secret-reference.js";
import { readSecret } from "../drivers/process/read-secret.js";

/** The database URL of a service's migrations in an environment, its secret read now (never logged). */
export function migrationDatabaseUrl(
  service: DocumentOf<"Service">,
  environment: DocumentOf<"Environment"> | undefined,
  environmentName: string,
): string {
  const reference = migrationDatabaseReference(service, environment, environmentName);
  const source = reference.source;
  const value = source.kind === "literal" ? source.value : readSecret(source);
  if (value === undefined || value === "")
    throw new InputError(
      "migration.secret-unresolved",
      `Service ${service.metadata.name}, environment ${environmentName}: parameter ${reference.parameter} is ${describeSource(source)} (from ${reference.layer}), which the control plane cannot read`,
    );
  return value;
}
