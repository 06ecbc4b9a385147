import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = "upshift-signature";

/**
 * Signs a webhook body: HMAC-SHA256 with the channel's secret over `<t>.<raw body>`, where t is the
 * send time in Unix seconds. Binding the time into the MAC lets a receiver refuse replays of old
 * deliveries (the scheme Stripe and Standard Webhooks use).
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** Why a signature was refused, or ok. */
export type SignatureCheck =
  | { readonly kind: "ok"; readonly unixSeconds: number }
  | { readonly kind: "malformed" | "mismatch" | "stale"; readonly message: string };

/** Checks a signature header against the raw body; `toleranceSeconds` bounds the clock difference. */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowUnixSeconds: number,
  toleranceSeconds = 300,
): SignatureCheck {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (match === null)
    return { kind: "malformed", message: `${SIGNATURE_HEADER} must be "t=<unix seconds>,v1=<64 hex>"` };
  const unixSeconds = Number(match[1]);
  const expected = Buffer.from(signWebhook(secret, body, unixSeconds).slice(-64), "hex");
  if (!timingSafeEqual(expected, Buffer.from(match[2] as string, "hex")))
    return { kind: "mismatch", message: "the signature does not match the body and secret" };
  if (Math.abs(nowUnixSeconds - unixSeconds) > toleranceSeconds)
    return { kind: "stale", message: `signed at ${unixSeconds}, more than ${toleranceSeconds} s from now` };
  return { kind: "ok", unixSeconds };
}
