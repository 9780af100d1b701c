/**
 * How deep JSON text nests, counted before it is parsed: JSON.parse itself copes with any depth, but the walks
 * that follow it recurse, so text nested beyond a limit is refused with a message instead of a stack overflow.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Offset of the quote that ends the string opened at `open`, or -1 when the text ends first. */
function closingQuote(text: string, open: number): number {
  // Most of a plan's text is inside strings: indexOf finds each quote natively, and a quote closes the string
  // unless an odd run of backslashes escapes it.
  for (let quote = text.indexOf('"', open + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}

/**
 * Offset of the first `{` or `[` that opens level `limit + 1`, counted outside strings, or -1 when none does.
 * One pass, no allocation. Text that is not JSON gives an answer too (an unterminated string holds every bracket
 * after it), which JSON.parse then refuses.
 */
export function excessiveNestingAt(text: string, limit: number): number {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) return -1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth++;
      if (depth > limit) return i;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return -1;
}
