/**
 * Arithmetic for the calculator tool: a small recursive-descent parser and evaluator. No `eval`, no
 * `Function`, no property access: the only things an expression can reach are numbers, the constants and
 * functions listed below. Pure and client-safe.
 *
 * Grammar (lowest to highest precedence):
 *   expression := term (("+" | "-") term)*
 *   term       := unary (("*" | "/" | "%") unary)*
 *   unary      := ("-" | "+") unary | power
 *   power      := postfix (("^" | "**") unary)?        right-associative; -2^2 = -4, 2^-1 = 0.5
 *   postfix    := primary "!"*
 *   primary    := number | constant | function "(" expression ("," expression)* ")" | "(" expression ")"
 */
export class CalculatorError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = "CalculatorError";
  }
}

export const CALCULATOR_LIMITS = { maxLength: 1000, maxDepth: 64 } as const;

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

type Fn = { arity: [min: number, max: number]; apply: (...args: number[]) => number };
const one = (apply: (x: number) => number): Fn => ({ arity: [1, 1], apply: (x) => apply(x!) });

const FUNCTIONS: Record<string, Fn> = {
  sqrt: one((x) => {
    if (x < 0) throw new CalculatorError("sqrt of a negative number");
    return Math.sqrt(x);
  }),
  cbrt: one(Math.cbrt),
  abs: one(Math.abs),
  floor: one(Math.floor),
  ceil: one(Math.ceil),
  trunc: one(Math.trunc),
  sign: one(Math.sign),
  exp: one(Math.exp),
  ln: one((x) => logOf(x, Math.log)),
  log2: one((x) => logOf(x, Math.log2)),
  log10: one((x) => logOf(x, Math.log10)),
  log: {
    arity: [1, 2],
    apply: (x, base) => (base === undefined ? logOf(x!, Math.log10) : logOf(x!, Math.log) / logOf(base, Math.log)),
  },
  sin: one(Math.sin),
  cos: one(Math.cos),
  tan: one(Math.tan),
  asin: one(Math.asin),
  acos: one(Math.acos),
  atan: one(Math.atan),
  sinh: one(Math.sinh),
  cosh: one(Math.cosh),
  tanh: one(Math.tanh),
  atan2: { arity: [2, 2], apply: (y, x) => Math.atan2(y!, x!) },
  pow: { arity: [2, 2], apply: (x, y) => x! ** y! },
  hypot: { arity: [1, 32], apply: (...xs) => Math.hypot(...xs) },
  min: { arity: [1, 32], apply: (...xs) => Math.min(...xs) },
  max: { arity: [1, 32], apply: (...xs) => Math.max(...xs) },
  round: {
    arity: [1, 2],
    apply: (x, digits) => {
      if (digits === undefined) return Math.round(x!);
      if (!Number.isInteger(digits) || digits < 0 || digits > 15)
        throw new CalculatorError("round digits must be an integer from 0 to 15");
      const f = 10 ** digits;
      return Math.round((x! + Number.EPSILON * Math.sign(x!)) * f) / f;
    },
  },
};

function logOf(x: number, log: (x: number) => number): number {
  if (x <= 0) throw new CalculatorError("logarithm of a non-positive number");
  return log(x);
}

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new CalculatorError("factorial needs a non-negative integer");
  if (n > 170) throw new CalculatorError("factorial too large");
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

type Token =
  | { kind: "number"; value: number; pos: number }
  | { kind: "name"; value: string; pos: number }
  | { kind: "op"; value: string; pos: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0].replace(/_/g, "")), pos: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z][A-Za-z0-9]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: "name", value: name[0].toLowerCase(), pos: i });
      i += name[0].length;
      continue;
    }
    if (source.startsWith("**", i)) {
      tokens.push({ kind: "op", value: "^", pos: i });
      i += 2;
      continue;
    }
    const op = { "×": "*", "÷": "/", "−": "-" }[ch] ?? ch;
    if ("+-*/%^(),!".includes(op)) {
      tokens.push({ kind: "op", value: op, pos: i });
      i++;
      continue;
    }
    throw new CalculatorError(`Unexpected character "${ch}" at position ${i + 1}`, i);
  }
  return tokens;
}

class Parser {
  private index = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): number {
    if (this.tokens.length === 0) throw new CalculatorError("The expression is empty");
    const value = this.expression();
    const extra = this.peek();
    if (extra) throw new CalculatorError(`Unexpected "${this.text(extra)}" at position ${extra.pos + 1}`, extra.pos);
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private text(token: Token): string {
    return token.kind === "number"
      ? (this.source.slice(token.pos).match(/^[\d._eE+-]+/)?.[0] ?? String(token.value))
      : token.value;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t?.kind === "op" && t.value === value;
  }

  private expect(value: string): void {
    const t = this.peek();
    if (!(t?.kind === "op" && t.value === value)) {
      throw new CalculatorError(
        t
          ? `Expected "${value}" at position ${t.pos + 1} but found "${this.text(t)}"`
          : `Expected "${value}" at the end`,
        t?.pos,
      );
    }
    this.index++;
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > CALCULATOR_LIMITS.maxDepth) throw new CalculatorError("The expression is nested too deeply");
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private expression(): number {
    let value = this.term();
    while (this.isOp("+") || this.isOp("-")) {
      const op = (this.tokens[this.index++] as { value: string }).value;
      const right = this.term();
      value = op === "+" ? value + right : value - right;
    }
    return value;
  }

  private term(): number {
    let value = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      const op = (this.tokens[this.index++] as { value: string }).value;
      const right = this.unary();
      if ((op === "/" || op === "%") && right === 0) throw new CalculatorError("Division by zero");
      value = op === "*" ? value * right : op === "/" ? value / right : value % right;
    }
    return value;
  }

  private unary(): number {
    if (this.isOp("-") || this.isOp("+")) {
      const op = (this.tokens[this.index++] as { value: string }).value;
      const operand = this.nested(() => this.unary());
      return op === "-" ? -operand : operand;
    }
    return this.power();
  }

  private power(): number {
    const base = this.postfix();
    if (this.isOp("^")) {
      this.index++;
      const exponent = this.nested(() => this.unary());
      return base ** exponent;
    }
    return base;
  }

  private postfix(): number {
    let value = this.primary();
    while (this.isOp("!")) {
      this.index++;
      value = factorial(value);
    }
    return value;
  }

  private primary(): number {
    const t = this.peek();
    if (!t) throw new CalculatorError("The expression ends too early");
    if (t.kind === "number") {
      this.index++;
      return t.value;
    }
    if (t.kind === "op" && t.value === "(") {
      this.index++;
      const value = this.nested(() => this.expression());
      this.expect(")");
      return value;
    }
    if (t.kind === "name") {
      this.index++;
      const fn = Object.hasOwn(FUNCTIONS, t.value) ? FUNCTIONS[t.value] : undefined;
      if (fn) {
        this.expect("(");
        const args: number[] = [];
        if (!this.isOp(")")) {
          args.push(this.nested(() => this.expression()));
          while (this.isOp(",")) {
            this.index++;
            args.push(this.nested(() => this.expression()));
          }
        }
        this.expect(")");
        const [min, max] = fn.arity;
        if (args.length < min || args.length > max) {
          throw new CalculatorError(
            `${t.value} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? "" : "s"}, not ${args.length}`,
            t.pos,
          );
        }
        return fn.apply(...args);
      }
      if (Object.hasOwn(CONSTANTS, t.value)) return CONSTANTS[t.value]!;
      throw new CalculatorError(`Unknown name "${t.value}" at position ${t.pos + 1}`, t.pos);
    }
    throw new CalculatorError(`Unexpected "${this.text(t)}" at position ${t.pos + 1}`, t.pos);
  }
}

/** Evaluates an arithmetic expression; throws CalculatorError with a position for bad input. */
export function evaluateExpression(source: string): number {
  if (source.length > CALCULATOR_LIMITS.maxLength) {
    throw new CalculatorError(`The expression is longer than ${CALCULATOR_LIMITS.maxLength} characters`);
  }
  const value = new Parser(tokenize(source), source).parse();
  if (Number.isNaN(value)) throw new CalculatorError("The result is not a number");
  if (!Number.isFinite(value)) throw new CalculatorError("The result is too large");
  return value;
}

/** A result as text, without binary floating-point noise (0.1 + 0.2 → "0.3"). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(15)));
}
