/** TEXT value escaping of RFC 5545 §3.3.11. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Content lines folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence, joined by CRLF. */
export function foldLines(lines: readonly string[]): string {
  const encoder = new TextEncoder();
  const folded = lines.map((line) => {
    const parts: string[] = [];
    let current = "";
    let octets = 0;
    for (const ch of line) {
      const size = encoder.encode(ch).length;
      const limit = parts.length === 0 ? 75 : 74; // continuation lines start with a space
      if (octets + size > limit) {
        parts.push(current);
        current = "";
        octets = 0;
      }
      current += ch;
      octets += size;
    }
    parts.push(current);
    return parts.join("\r\n ");
  });
  return `${folded.join("\r\n")}\r\n`;
}
