/**
 * Python's text forms of values: `repr()` of floats and complex numbers, and the ASCII escaping of
 * str and bytes (`unicode_escape`) that test ids use.
 */

/** `str.encode("unicode_escape").decode("ascii")` followed by pytest's non-printable translation. */
export function asciiEscapeStr(value: string): string {
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x5c) out += '\\\\';
    else if (cp === 0x09) out += '\\t';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0x100)) out += `\\x${hex(cp, 2)}`;
    else if (cp >= 0x100 && cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else if (cp >= 0x10000) out += `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return out;
}

/** `bytes.decode("ascii", "backslashreplace")` followed by pytest's non-printable translation. */
export function asciiEscapeBytes(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const cp = value.charCodeAt(i) & 0xff;
    if (cp === 0x09) out += '\\t';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp < 0x20 || cp >= 0x7f) out += `\\x${hex(cp, 2)}`;
    else out += String.fromCharCode(cp);
  }
  return out;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python's `repr(float)` (shortest round-trip, `e` notation below 1e-4 and from 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(x).toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  if (exp >= -5 && exp < 16) {
    // Python switches to exponent notation when exp < -4 or exp >= 16.
    if (exp < -4) return sign + sci(digits, exp);
    const point = exp + 1;
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return sign + sci(digits, exp);
}

function sci(digits: string, exp: number): string {
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${m}e${exp < 0 ? '-' : '+'}${e}`;
}

/** `str()` of a complex number given its imaginary literal (`3j`, `1.5j`). */
export function pyImaginaryStr(text: string): string {
  const v = Number(text);
  if (!Number.isFinite(v)) return `${pyFloatRepr(v)}j`;
  const r = pyFloatRepr(v);
  return `${r.endsWith('.0') ? r.slice(0, -2) : r}j`;
}
