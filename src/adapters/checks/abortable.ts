/**
 * `work`, or a rejection as soon as `signal` aborts (the step was canceled or its run stopped): a
 * check must not hold its step until a client library's own connect timeout. Whatever `work`
 * yields after the abort goes to `dispose` (a connection that opened too late is closed).
 */
export function abortable<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  dispose: (late: T) => unknown = () => {},
): Promise<T> {
  if (signal === undefined) return work;
  const lateDispose = () => {
    work.then(
      (late) => Promise.resolve(dispose(late)).catch(() => {}),
      () => {},
    );
  };
  if (signal.aborted) {
    lateDispose();
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      lateDispose();
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason ?? "the step was stopped")}`);
}
