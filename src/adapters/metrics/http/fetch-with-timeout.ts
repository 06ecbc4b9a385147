import { MetricProviderError } from "../../../core/analysis/metric-provider-port.js";

export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;

/**
 * fetch bounded by a timeout and by the caller's signal; a timeout or a network failure becomes a
 * MetricProviderError naming the provider, the URL and the cause, for the measurement's message.
 */
export async function fetchWithTimeout(
  provider: string,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await fetch(url, {
      ...init,
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    const reason = timeout.aborted
      ? `no answer within ${timeoutMs} ms`
      : signal?.aborted
        ? "cancelled"
        : `${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ""}`;
    throw new MetricProviderError(provider, `${init.method ?? "GET"} ${url}: ${reason}`, { cause: error });
  }
}

/** The response's body as JSON, or a MetricProviderError quoting the start of what came instead. */
export async function readJson(provider: string, url: string, response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MetricProviderError(
      provider,
      `${url} answered ${response.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
      {
        cause: error,
      },
    );
  }
}
