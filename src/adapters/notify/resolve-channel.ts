import { InputError } from "../../core/errors/domain-error.js";
import type { NotificationChannelSpec } from "../../core/notify/notification-policy.js";
import type { SecretReader } from "../../core/rollout/resolve-secrets.js";
import { describeSource, parseParameterSource } from "../../core/rollout/secret-reference.js";

/** A channel with its secret references read: what a sender is built from. */
export type ResolvedChannel =
  | {
      readonly type: "email";
      readonly name: string;
      readonly host: string;
      readonly port: number;
      readonly secure: boolean;
      readonly auth: { readonly user: string; readonly pass: string } | undefined;
      readonly from: string;
    }
  | { readonly type: "webhook"; readonly name: string; readonly url: string; readonly secret: string }
  | { readonly type: "slack"; readonly name: string; readonly url: string };

/**
 * Reads the channel's secret references (`env:NAME`, `file:/path`); throws an InputError naming
 * the Policy, the channel and the field when one cannot be read — never the value.
 */
export function resolveChannel(
  policy: string,
  channel: NotificationChannelSpec,
  read: SecretReader,
): ResolvedChannel {
  const where = (field: string) =>
    `Policy/${policy} spec.notifications channel "${channel.name}" field ${field}`;
  const value = (field: string, raw: string): string => {
    let source: ReturnType<typeof parseParameterSource>;
    try {
      source = parseParameterSource(raw);
    } catch (error) {
      throw new InputError("notification.secret-reference", `${where(field)}: ${(error as Error).message}`);
    }
    if (source.kind === "literal") return source.value;
    const secret = read(source);
    if (secret === undefined || secret === "")
      throw new InputError(
        "notification.secret-missing",
        `${where(field)}: secret ${describeSource(source)} is not set${source.kind === "env" ? ` (set the environment variable ${source.name} for the server)` : " (the file cannot be read)"}`,
      );
    return secret;
  };
  switch (channel.type) {
    case "email": {
      const user = channel.username === undefined ? undefined : value("username", channel.username);
      const pass = channel.password === undefined ? undefined : value("password", channel.password);
      if ((user === undefined) !== (pass === undefined))
        throw new InputError("notification.smtp-auth", `${where("username/password")}: give both or neither`);
      return {
        type: "email",
        name: channel.name,
        host: channel.host,
        port: channel.port ?? (channel.secure ? 465 : 587),
        secure: channel.secure ?? false,
        auth: user === undefined || pass === undefined ? undefined : { user, pass },
        from: channel.from,
      };
    }
    case "webhook":
      return {
        type: "webhook",
        name: channel.name,
        url: httpUrl(value("url", channel.url), where("url")),
        secret: value("secret", channel.secret),
      };
    case "slack":
      return { type: "slack", name: channel.name, url: httpUrl(value("url", channel.url), where("url")) };
    default: {
      const never: never = channel;
      return never;
    }
  }
}

function httpUrl(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError("notification.url", `${where}: not a URL (expected https://… or http://…)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new InputError("notification.url", `${where}: ${url.protocol} is not http: or https:`);
  return url.toString();
}
