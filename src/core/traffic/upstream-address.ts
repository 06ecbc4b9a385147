/** An upstream instance's address, split. */
export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
}

// Hostnames (RFC 1123 labels), IPv4, or a bracketed IPv6 literal; nothing an nginx config could misread.
const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))?:(\d{1,5})$/;

/** Parses `host:port` (`[v6]:port` for IPv6); null when it is not a usable address. */
export function parseUpstreamAddress(address: string): UpstreamAddress | null {
  const match = ADDRESS.exec(address);
  if (match === null || match[1] === undefined) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  const host = match[1].startsWith("[") ? match[1].slice(1, -1) : match[1];
  return { host, port };
}
