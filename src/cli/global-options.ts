import type { Connection } from "./api-client.js";

/** Options every command accepts (given before or after the command name). */
export interface GlobalOptions {
  readonly server?: string;
  readonly token?: string;
  readonly dataDir?: string;
}

export const DEFAULT_SERVER = "http://127.0.0.1:7400";

/** Where the server is and how to authenticate: flags win over UPSHIFT_URL / UPSHIFT_TOKEN. */
export function connectionOf(options: GlobalOptions): Connection {
  const token = options.token ?? process.env.UPSHIFT_TOKEN;
  return { server: options.server ?? process.env.UPSHIFT_URL ?? DEFAULT_SERVER, ...(token ? { token } : {}) };
}
