/** Where a failed transaction broke: the service and version that answered with an error first. */
export interface FailurePoint {
  readonly service: string;
  readonly version: string;
}

/** One synthetic checkout, as the traffic driver saw it (times in ms of the demo's clock). */
export interface CheckoutTransaction {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly ok: boolean;
  readonly status: number;
  /** The version of each service that served it, as far as it got. */
  readonly versions: Readonly<Record<string, string>>;
  readonly failedAt?: FailurePoint;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function versionOf(answer: unknown): [string, string] | undefined {
  if (!isObject(answer) || typeof answer.service !== "string" || typeof answer.version !== "string")
    return undefined;
  return [answer.service, answer.version];
}

/**
 * Reads the storefront's answer to `POST /checkout`: success when 200 with `checkout: "done"`;
 * the versions of storefront, catalog, checkout and billing from the nested answers; on failure the
 * service and version the fleet names in `failedAt` (or the storefront's router, when not even the
 * storefront answered).
 */
export function readCheckoutAnswer(
  status: number,
  bodyText: string,
): Pick<CheckoutTransaction, "ok" | "status" | "versions" | "failedAt"> {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  const versions: Record<string, string> = {};
  if (isObject(body)) {
    const order = body.order;
    for (const part of [body, body.stock, order, isObject(order) ? order.payment : undefined]) {
      const v = versionOf(part);
      if (v) versions[v[0]] = v[1];
    }
  }
  const ok = status === 200 && isObject(body) && body.checkout === "done";
  if (ok) return { ok, status, versions };
  const failedAt =
    isObject(body) && isObject(body.failedAt) && typeof body.failedAt.service === "string"
      ? { service: body.failedAt.service, version: String(body.failedAt.version) }
      : { service: "storefront", version: `none (${status ? `HTTP ${status}` : `no answer: ${bodyText}`})` };
  return { ok, status, versions, failedAt };
}
