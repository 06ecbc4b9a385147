/**
 * Tokens of the condition language (successCondition / failureCondition). Columns are 1-based
 * so that a parse error can point at the character a person has to fix.
 */
import { InputError } from "../errors/domain-error.js";

export type ConditionToken =
  | { readonly kind: "number"; readonly value: number; readonly column: number }
  | { readonly kind: "string"; readonly value: string; readonly column: number }
  | { readonly kind: "name"; readonly value: string; readonly column: number }
  | { readonly kind: "operator"; readonly value: string; readonly column: number }
  | { readonly kind: "end"; readonly column: number };

/** Longest first, so that `<=` is not read as `<` then `=`. */
const OPERATORS = [
  "&&",
  "||",
  "==",
  "!=",
  "<=",
  ">=",
  "<",
  ">",
  "!",
  "+",
  "-",
  "*",
  "/",
  "%",
  "(",
  ")",
  "[",
  "]",
  ".",
  ",",
];
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
export const MAX_CONDITION_LENGTH = 4096;

/** Throws the syntax error of a condition, naming the column and showing where it is. */
export function conditionSyntaxError(source: string, column: number, problem: string): InputError {
  const caret = `${" ".repeat(Math.max(0, column - 1))}^`;
  return new InputError("condition-syntax", `${problem} at column ${column}:\n  ${source}\n  ${caret}`, {
    details: { column, problem, expression: source },
  });
}

/** Splits a condition into tokens, or throws an InputError naming the column of the first bad character. */
export function tokenizeCondition(source: string): readonly ConditionToken[] {
  if (source.length > MAX_CONDITION_LENGTH)
    throw conditionSyntaxError(
      source.slice(0, 80),
      1,
      `the condition is longer than ${MAX_CONDITION_LENGTH} characters`,
    );
  const tokens: ConditionToken[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const column = i + 1;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const number = NUMBER.exec(rest);
    if (number !== null && !(ch === "." && endsValue(tokens.at(-1)))) {
      tokens.push({ kind: "number", value: Number(number[0]), column });
      i += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name !== null) {
      tokens.push({ kind: "name", value: name[0], column });
      i += name[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const [value, length] = readString(source, i);
      tokens.push({ kind: "string", value, column });
      i += length;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator === undefined)
      throw conditionSyntaxError(source, column, `unexpected character ${JSON.stringify(ch)}`);
    tokens.push({ kind: "operator", value: operator, column });
    i += operator.length;
  }
  tokens.push({ kind: "end", column: source.length + 1 });
  return tokens;
}

/** After a name, `)` or `]`, a dot starts a member access (`result.p95`), not a number. */
function endsValue(token: ConditionToken | undefined): boolean {
  return (
    token?.kind === "name" || (token?.kind === "operator" && (token.value === ")" || token.value === "]"))
  );
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

function readString(source: string, start: number): readonly [string, number] {
  const quote = source[start]!;
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === quote) return [value, i - start + 1];
    if (ch === "\\") {
      const escaped = ESCAPES[source[i + 1] ?? ""];
      if (escaped === undefined) throw conditionSyntaxError(source, i + 1, "unknown escape in a string");
      value += escaped;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw conditionSyntaxError(source, start + 1, "the string is not closed");
}
