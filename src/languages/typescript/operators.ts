import { isUnknown, toPrimitive, Unknown } from './model.js';

/** A binary operator on two known values, with JavaScript's semantics (`+` converts objects like JavaScript does). */
export function binary(op: string, a: unknown, b: unknown): unknown {
  if (isUnknown(a)) return a;
  if (isUnknown(b)) return b;
  const x = a as never;
  const y = b as never;
  switch (op) {
    case '+': {
      const pa = toPrimitive(a);
      const pb = toPrimitive(b);
      if (isUnknown(pa)) return pa;
      if (isUnknown(pb)) return pb;
      return (pa as number) + (pb as number);
    }
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '%': return x % y;
    case '**': return (x as number) ** (y as number);
    case '===': return a === b;
    case '!==': return a !== b;
    // eslint-disable-next-line eqeqeq
    case '==': return a == b;
    // eslint-disable-next-line eqeqeq
    case '!=': return a != b;
    case '<': return x < y;
    case '>': return x > y;
    case '<=': return x <= y;
    case '>=': return x >= y;
    case '|': return x | y;
    case '&': return x & y;
    default: return new Unknown(`operator ${op}`);
  }
}
