import { randomUUID } from "node:crypto";
import type { ChainPoint } from "../../core/audit/audit-entry.js";
import { InputError } from "../../core/errors/domain-error.js";
import { SIGNATURE_HEADER, signWebhook } from "../../core/notify/webhook-signature.js";
import type { SecretReader } from "../../core/rollout/resolve-secrets.js";
import {
  describeSource,
  type ParameterSource,
  parseParameterSource,
} from "../../core/rollout/secret-reference.js";
import { readSecret } from "../drivers/process/read-secret.js";
import { postJson } from "./webhook-sender.js";

/** CloudEvents type of an audit anchor (no CDEvents type covers it). */
export const ANCHOR_EVENT_TYPE = "dev.upshift.audit.anchored.v1";

/** An anchor as sent: the head of the log and when it was taken. */
export interface AnchorMessage extends ChainPoint {
  readonly at: string;
}

/** The CloudEvent body for an anchor; `data` holds `{seq, hash, at}`, which `audit verify --anchor` reads. */
export function anchorCloudEvent(anchor: AnchorMessage, source: string, id: string = randomUUID()): string {
  return JSON.stringify({
    specversion: "1.0",
    id,
    source,
    type: ANCHOR_EVENT_TYPE,
    subject: `audit/${anchor.seq}`,
    time: anchor.at,
    datacontenttype: "application/json",
    data: { seq: anchor.seq, hash: anchor.hash, at: anchor.at },
  });
}

/**
 * Sends an anchor to a webhook, signed like notifications (HMAC-SHA256 over `<t>.<body>`), so the
 * receiver keeps a copy of the head outside the database; throws unless it answers 2xx.
 */
export async function postAnchor(
  url: string,
  secret: string,
  anchor: AnchorMessage,
  options: { readonly source?: string; readonly now?: number } = {},
): Promise<void> {
  const body = anchorCloudEvent(anchor, options.source ?? "/upshift/audit");
  const id = (JSON.parse(body) as { id: string }).id;
  await postJson(url, body, {
    "content-type": "application/cloudevents+json; charset=utf-8",
    [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor((options.now ?? Date.now()) / 1000)),
    "idempotency-key": id,
  });
}

/**
 * A webhook destination for `AuditRepository.anchor({ publish })`: checks the URL and reads the
 * secret reference now, so a typo fails before anything is recorded.
 */
export function resolveAnchorWebhook(
  url: string,
  secretRef: string,
  read: SecretReader = readSecret,
  source?: string,
): { readonly destination: string; send(anchor: AnchorMessage): Promise<void> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError("audit.anchor-webhook", `"${url}" is not a URL (expected https://… or http://…)`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new InputError("audit.anchor-webhook", `"${url}": ${parsed.protocol} is not http: or https:`);
  let reference: ParameterSource;
  try {
    reference = parseParameterSource(secretRef);
  } catch (error) {
    throw new InputError("audit.anchor-secret", (error as Error).message);
  }
  if (reference.kind === "literal")
    throw new InputError(
      "audit.anchor-secret",
      "the signing secret must be a reference (env:NAME or file:/path), not the secret itself on the command line",
    );
  const secret = read(reference);
  if (secret === undefined || secret === "")
    throw new InputError("audit.anchor-secret", `secret ${describeSource(reference)} is not set`);
  return {
    destination: parsed.toString(),
    send: async (anchor) => {
      try {
        await postAnchor(parsed.toString(), secret, anchor, source === undefined ? {} : { source });
      } catch (error) {
        throw new AnchorNotSentError(parsed.toString(), error);
      }
    },
  };
}

/** The webhook did not take the anchor; nothing was recorded. */
export class AnchorNotSentError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `cannot send the anchor to ${url}: ${cause instanceof Error ? cause.message : String(cause)}; no anchor was recorded`,
      {
        cause,
      },
    );
    this.name = "AnchorNotSentError";
  }
}
