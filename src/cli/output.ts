import { stringify } from "yaml";
import { CliError, EXIT } from "./exit-codes.js";

export const OUTPUT_FORMATS = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(text: string, allowed: readonly string[] = OUTPUT_FORMATS): string {
  if (!allowed.includes(text))
    throw new CliError(`--output must be one of ${allowed.join(", ")}; got "${text}"`, EXIT.usage);
  return text;
}

/** Colour only on a terminal and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

export function bold(text: string, stream?: NodeJS.WriteStream): string {
  return useColor(stream) ? `\u001b[1m${text}\u001b[22m` : text;
}

/** A plain aligned table: header row, then one row per item. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join("\n");
}

/** Prints a read result in the chosen format; `table` uses the given renderer. */
export function printResult(format: string, value: unknown, table: () => string): void {
  if (format === "json") process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else if (format === "yaml") process.stdout.write(stringify(value));
  else process.stdout.write(`${table()}\n`);
}
