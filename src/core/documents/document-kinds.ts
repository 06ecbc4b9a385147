import { z } from "zod";
import { metadata } from "./common-schemas.js";
import { calendarSpec } from "./kinds/calendar.js";
import { environmentSpec } from "./kinds/environment.js";
import { policySpec } from "./kinds/policy.js";
import { releaseSpec } from "./kinds/release.js";
import { resourceSpec } from "./kinds/resource.js";
import { serviceSpec } from "./kinds/service.js";

export const API_VERSION = "upshift.dev/v1alpha1";

/** The spec schema of every document kind: the single source of types, validation and schemas. */
export const SPEC_SCHEMAS = {
  Service: serviceSpec,
  Environment: environmentSpec,
  Calendar: calendarSpec,
  Policy: policySpec,
  Resource: resourceSpec,
  Release: releaseSpec,
} as const;

export type DocumentKind = keyof typeof SPEC_SCHEMAS;
export const DOCUMENT_KINDS = Object.keys(SPEC_SCHEMAS) as DocumentKind[];

function envelope<K extends DocumentKind>(kind: K) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal(kind),
      metadata,
      spec: SPEC_SCHEMAS[kind] as (typeof SPEC_SCHEMAS)[K],
    })
    .meta({ title: kind });
}

export const DOCUMENT_SCHEMAS = {
  Service: envelope("Service"),
  Environment: envelope("Environment"),
  Calendar: envelope("Calendar"),
  Policy: envelope("Policy"),
  Resource: envelope("Resource"),
  Release: envelope("Release"),
} as const;

/** Any document, discriminated by `kind`. */
export const anyDocument = z.discriminatedUnion("kind", [
  DOCUMENT_SCHEMAS.Service,
  DOCUMENT_SCHEMAS.Environment,
  DOCUMENT_SCHEMAS.Calendar,
  DOCUMENT_SCHEMAS.Policy,
  DOCUMENT_SCHEMAS.Resource,
  DOCUMENT_SCHEMAS.Release,
]);

export type UpshiftDocument = z.infer<typeof anyDocument>;
export type DocumentOf<K extends DocumentKind> = Extract<UpshiftDocument, { kind: K }>;

/** True when `kind` names a document kind (case-sensitive). */
export function isDocumentKind(kind: string): kind is DocumentKind {
  return Object.hasOwn(SPEC_SCHEMAS, kind);
}

/** Accepts `service`, `services`, `Service` on the command line and in URLs. */
export function resolveKindName(text: string): DocumentKind | undefined {
  const lower = text.toLowerCase();
  return DOCUMENT_KINDS.find((k) => {
    const kl = k.toLowerCase();
    return lower === kl || lower === `${kl}s` || (kl.endsWith("y") && lower === `${kl.slice(0, -1)}ies`);
  });
}
