/**
 * The syntax tree of a condition. Every node keeps the column where it starts, so that an
 * evaluation error can say which part of the expression failed.
 */
import type { MetricValue } from "./metric-value.js";

export type BinaryOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "in";
export type LogicalOperator = "&&" | "||";
export type UnaryOperator = "!" | "-" | "+";

export type ConditionNode =
  | { readonly kind: "literal"; readonly value: MetricValue; readonly column: number }
  | { readonly kind: "result"; readonly column: number }
  | { readonly kind: "array"; readonly items: readonly ConditionNode[]; readonly column: number }
  | {
      readonly kind: "member";
      readonly target: ConditionNode;
      readonly name: string;
      readonly column: number;
    }
  | {
      readonly kind: "index";
      readonly target: ConditionNode;
      readonly index: ConditionNode;
      readonly column: number;
    }
  | {
      readonly kind: "call";
      readonly name: string;
      readonly args: readonly ConditionNode[];
      readonly column: number;
    }
  | {
      readonly kind: "unary";
      readonly operator: UnaryOperator;
      readonly operand: ConditionNode;
      readonly column: number;
    }
  | {
      readonly kind: "binary";
      readonly operator: BinaryOperator;
      readonly left: ConditionNode;
      readonly right: ConditionNode;
      readonly column: number;
    }
  | {
      readonly kind: "logical";
      readonly operator: LogicalOperator;
      readonly left: ConditionNode;
      readonly right: ConditionNode;
      readonly column: number;
    };

/** A parsed condition together with its source text, ready to evaluate many times. */
export interface ParsedCondition {
  readonly source: string;
  readonly root: ConditionNode;
}
