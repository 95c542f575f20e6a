/**
 * A small, safe filter language for the Runs table: `lr<0.1 && val_acc>0.8`, `optimizer == "adam" || !test_acc`.
 * Parsed by hand into a tree and evaluated against a run's fields; no eval, no property access beyond the names given.
 *
 *   expr   := or
 *   or     := and ('||' and)*
 *   and    := not ('&&' not)*
 *   not    := '!' not | cmp
 *   cmp    := value (('<' | '<=' | '>' | '>=' | '==' | '!=' | '=') value)?
 *   value  := number | string | name | '(' expr ')'
 *
 * Names are letters, digits, `_`, `.`, `/` and `-` inside (`best/val_accuracy`, `arch_options.depth`).
 * A comparison with a missing field is false (so `lr<0.1` drops runs with no lr); a bare name is true when present and not 0/false/''.
 */

export type Value = number | string | boolean | null;
export type Fields = (name: string) => Value | undefined;

type Node =
  | { kind: 'lit'; value: Value }
  | { kind: 'name'; name: string }
  | { kind: 'not'; arg: Node }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'cmp'; op: CmpOp; left: Node; right: Node };
type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

interface Token {
  type: 'num' | 'str' | 'name' | 'op' | 'end';
  text: string;
  at: number;
}

export class ExpressionError extends Error {
  constructor(message: string, readonly at: number) {
    super(`${message} (at character ${at + 1})`);
  }
}

const OPS = ['&&', '||', '<=', '>=', '==', '!=', '<', '>', '=', '!', '(', ')'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?/i.exec(src.slice(i));
    if (num) {
      out.push({ type: 'num', text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError(`Unclosed string ${c}`, i);
      out.push({ type: 'str', text: src.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const name = /^[A-Za-z_][\w./-]*/.exec(src.slice(i));
    if (name) {
      out.push({ type: 'name', text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`Unexpected "${c}"`, i);
    out.push({ type: 'op', text: op, at: i });
    i += op.length;
  }
  out.push({ type: 'end', text: '', at: src.length });
  return out;
}

function parseTokens(tokens: Token[]): Node {
  let pos = 0;
  const peek = () => tokens[pos]!;
  const isOp = (text: string) => peek().type === 'op' && peek().text === text;
  const expect = (text: string) => {
    if (!isOp(text)) throw new ExpressionError(`Expected "${text}"${peek().type === 'end' ? ' before the end' : ` but found "${peek().text}"`}`, peek().at);
    pos++;
  };

  function or(): Node {
    let left = and();
    while (isOp('||')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  function and(): Node {
    let left = not();
    while (isOp('&&')) {
      pos++;
      left = { kind: 'and', left, right: not() };
    }
    return left;
  }
  function not(): Node {
    if (isOp('!')) {
      pos++;
      return { kind: 'not', arg: not() };
    }
    return cmp();
  }
  function cmp(): Node {
    const left = value();
    const t = peek();
    if (t.type === 'op' && ['<', '<=', '>', '>=', '==', '!=', '='].includes(t.text)) {
      pos++;
      const op = (t.text === '=' ? '==' : t.text) as CmpOp;
      return { kind: 'cmp', op, left, right: value() };
    }
    return left;
  }
  function value(): Node {
    const t = peek();
    if (t.type === 'num') {
      pos++;
      return { kind: 'lit', value: Number(t.text) };
    }
    if (t.type === 'str') {
      pos++;
      return { kind: 'lit', value: t.text };
    }
    if (t.type === 'name') {
      pos++;
      if (t.text === 'true' || t.text === 'false') return { kind: 'lit', value: t.text === 'true' };
      if (t.text === 'null') return { kind: 'lit', value: null };
      return { kind: 'name', name: t.text };
    }
    if (isOp('(')) {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    throw new ExpressionError(t.type === 'end' ? 'Expression ends too early' : `Unexpected "${t.text}"`, t.at);
  }

  const tree = or();
  if (peek().type !== 'end') throw new ExpressionError(`Unexpected "${peek().text}"`, peek().at);
  return tree;
}

export interface Expression {
  source: string;
  /** Every field name the expression reads. */
  names: string[];
  test(fields: Fields): boolean;
}

/** Parses a filter expression; throws an ExpressionError naming what is wrong and where. */
export function parseExpression(source: string): Expression {
  const tree = parseTokens(tokenize(source));
  const names = new Set<string>();
  (function collect(n: Node) {
    if (n.kind === 'name') names.add(n.name);
    else if (n.kind === 'not') collect(n.arg);
    else if (n.kind === 'and' || n.kind === 'or' || n.kind === 'cmp') {
      collect(n.left);
      collect(n.right);
    }
  })(tree);
  return { source, names: [...names], test: (fields) => truthy(evaluate(tree, fields)) };
}

function truthy(v: Value | undefined): boolean {
  return v !== null && v !== undefined && v !== false && v !== 0 && v !== '' && !(typeof v === 'number' && Number.isNaN(v));
}

function evaluate(n: Node, fields: Fields): Value | undefined {
  switch (n.kind) {
    case 'lit':
      return n.value;
    case 'name':
      return fields(n.name);
    case 'not':
      return !truthy(evaluate(n.arg, fields));
    case 'and':
      return truthy(evaluate(n.left, fields)) && truthy(evaluate(n.right, fields));
    case 'or':
      return truthy(evaluate(n.left, fields)) || truthy(evaluate(n.right, fields));
    case 'cmp':
      return compare(n.op, evaluate(n.left, fields), evaluate(n.right, fields));
  }
}

function compare(op: CmpOp, a: Value | undefined, b: Value | undefined): boolean {
  if (op === '==' || op === '!=') {
    // A missing field is neither equal nor unequal to anything.
    if (a === undefined || b === undefined) return false;
    return looseEqual(a, b) === (op === '==');
  }
  if (a === undefined || b === undefined || a === null || b === null) return false;
  const x = typeof a === 'string' && typeof b === 'string' ? a.localeCompare(b, 'en', { numeric: true }) : toNumber(a) - toNumber(b);
  if (Number.isNaN(x)) return false;
  return op === '<' ? x < 0 : op === '<=' ? x <= 0 : op === '>' ? x > 0 : x >= 0;
}

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

function looseEqual(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return String(a).toLowerCase() === String(b).toLowerCase();
  return toNumber(a) === toNumber(b);
}
