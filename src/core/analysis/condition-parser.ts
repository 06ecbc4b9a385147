/**
 * Parser of the condition language: a small, safe subset of expr-lang (the language Argo
 * Rollouts evaluates `successCondition` and `failureCondition` in), read by recursive descent.
 * Nothing is ever passed to eval or Function: a condition can only read `result` and call the
 * functions of condition-functions.ts.
 *
 * Precedence, lowest first: `||` `or`; `&&` `and`; `==` `!=`; `<` `<=` `>` `>=` `in`; `+` `-`;
 * `*` `/` `%`; unary `!` `not` `-` `+`; member `.name`, index `[i]`, call `f(...)`.
 */
import type { BinaryOperator, ConditionNode, ParsedCondition } from "./condition-ast.js";
import { CONDITION_FUNCTION_NAMES } from "./condition-functions.js";
import { type ConditionToken, conditionSyntaxError, tokenizeCondition } from "./condition-token.js";

/** Deeper nesting than this is refused, so a hostile condition cannot exhaust the stack. */
const MAX_DEPTH = 64;
const WORD_OPERATORS: Readonly<Record<string, string>> = { and: "&&", or: "||", not: "!" };
const CONSTANTS: Readonly<Record<string, number | boolean | null>> = {
  true: true,
  false: false,
  nil: null,
  null: null,
  NaN: Number.NaN,
  Inf: Number.POSITIVE_INFINITY,
};

/** Parses a condition, or throws an InputError naming the column of the first mistake. */
export function parseCondition(source: string): ParsedCondition {
  const tokens = tokenizeCondition(source);
  if (tokens.length === 1) throw conditionSyntaxError(source, 1, "the condition is empty");
  const parser = new Parser(source, tokens);
  const root = parser.expression(0);
  parser.expectEnd();
  return { source, root };
}

class Parser {
  private position = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly ConditionToken[],
  ) {}

  expression(depth: number): ConditionNode {
    if (depth > MAX_DEPTH)
      throw this.error(this.peek(), `the condition nests deeper than ${MAX_DEPTH} levels`);
    return this.logical(depth, 0);
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== "end") throw this.error(token, `unexpected ${show(token)}`);
  }

  /** level 0: `||`, level 1: `&&`. */
  private logical(depth: number, level: 0 | 1): ConditionNode {
    const operator = level === 0 ? "||" : "&&";
    const next = () => (level === 0 ? this.logical(depth, 1) : this.binary(depth, 0));
    let left = next();
    for (let token = this.peek(); this.isOperator(token, operator); token = this.peek()) {
      this.position++;
      left = { kind: "logical", operator, left, right: next(), column: token.column };
    }
    return left;
  }

  private binary(depth: number, level: number): ConditionNode {
    const levels: readonly (readonly BinaryOperator[])[] = [
      ["==", "!="],
      ["<", "<=", ">", ">=", "in"],
      ["+", "-"],
      ["*", "/", "%"],
    ];
    const operators = levels[level];
    if (operators === undefined) return this.unary(depth);
    let left = this.binary(depth, level + 1);
    for (;;) {
      const token = this.peek();
      const operator = operators.find((op) => this.isOperator(token, op));
      if (operator === undefined) return left;
      this.position++;
      left = { kind: "binary", operator, left, right: this.binary(depth, level + 1), column: token.column };
    }
  }

  private unary(depth: number): ConditionNode {
    const token = this.peek();
    for (const operator of ["!", "-", "+"] as const) {
      if (this.isOperator(token, operator)) {
        this.position++;
        if (depth + 1 > MAX_DEPTH)
          throw this.error(token, `the condition nests deeper than ${MAX_DEPTH} levels`);
        return { kind: "unary", operator, operand: this.unary(depth + 1), column: token.column };
      }
    }
    return this.postfix(depth);
  }

  private postfix(depth: number): ConditionNode {
    let node = this.primary(depth);
    for (;;) {
      const token = this.peek();
      if (this.isOperator(token, ".")) {
        this.position++;
        const name = this.next();
        if (name.kind !== "name")
          throw this.error(name, `expected a field name after "." but found ${show(name)}`);
        node = { kind: "member", target: node, name: name.value, column: token.column };
      } else if (this.isOperator(token, "[")) {
        this.position++;
        const index = this.expression(depth + 1);
        this.expect("]", token);
        node = { kind: "index", target: node, index, column: token.column };
      } else return node;
    }
  }

  private primary(depth: number): ConditionNode {
    const token = this.next();
    switch (token.kind) {
      case "number":
      case "string":
        return { kind: "literal", value: token.value, column: token.column };
      case "name":
        return this.name(token, depth);
      case "operator":
        if (token.value === "(") {
          const inner = this.expression(depth + 1);
          this.expect(")", token);
          return inner;
        }
        if (token.value === "[") {
          const items = this.list("]", depth);
          return { kind: "array", items, column: token.column };
        }
        throw this.error(token, `expected a value but found ${show(token)}`);
      case "end":
        throw this.error(token, "the condition ends too early: expected a value");
      default:
        return assertNever(token);
    }
  }

  private name(token: ConditionToken & { kind: "name" }, depth: number): ConditionNode {
    if (token.value === "result") return { kind: "result", column: token.column };
    if (Object.hasOwn(CONSTANTS, token.value))
      return { kind: "literal", value: CONSTANTS[token.value] ?? null, column: token.column };
    if (this.isOperator(this.peek(), "(")) {
      if (!CONDITION_FUNCTION_NAMES.includes(token.value))
        throw this.error(
          token,
          `unknown function "${token.value}" (known: ${CONDITION_FUNCTION_NAMES.join(", ")})`,
        );
      this.position++;
      return { kind: "call", name: token.value, args: this.list(")", depth), column: token.column };
    }
    throw this.error(token, `unknown name "${token.value}": a condition can only read "result"`);
  }

  /** Comma-separated expressions up to the closing bracket, which is consumed. */
  private list(close: string, depth: number): readonly ConditionNode[] {
    const open = this.tokens[this.position - 1]!;
    const items: ConditionNode[] = [];
    if (this.isOperator(this.peek(), close)) {
      this.position++;
      return items;
    }
    for (;;) {
      items.push(this.expression(depth + 1));
      if (this.isOperator(this.peek(), ",")) {
        this.position++;
        continue;
      }
      this.expect(close, open);
      return items;
    }
  }

  private expect(value: string, opening: ConditionToken): void {
    const token = this.next();
    if (!this.isOperator(token, value)) {
      throw this.error(
        token,
        `expected "${value}" to close the ${show(opening)} at column ${opening.column} but found ${show(token)}`,
      );
    }
  }

  private isOperator(token: ConditionToken, value: string): boolean {
    if (token.kind === "operator") return token.value === value;
    // `and`, `or`, `not` are spelled as words too; `in` is only a word.
    return (
      token.kind === "name" &&
      (WORD_OPERATORS[token.value] === value || (value === "in" && token.value === "in"))
    );
  }

  private peek(): ConditionToken {
    return this.tokens[this.position] ?? this.tokens.at(-1)!;
  }

  private next(): ConditionToken {
    const token = this.peek();
    if (token.kind !== "end") this.position++;
    return token;
  }

  private error(token: ConditionToken, problem: string) {
    return conditionSyntaxError(this.source, token.column, problem);
  }
}

function show(token: ConditionToken): string {
  switch (token.kind) {
    case "end":
      return "the end of the condition";
    case "string":
      return JSON.stringify(token.value);
    case "number":
    case "name":
    case "operator":
      return `"${String(token.value)}"`;
    default:
      return assertNever(token);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
