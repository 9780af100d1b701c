/**
 * A small well-formedness check for the XML the JUnit renderer writes (no dependency on an XML parser):
 * balanced elements, quoted attributes, no raw markup characters in text or attributes, only XML 1.0 characters.
 * Returns the problems found; empty means well-formed as far as this subset of XML goes.
 */
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const NAME = '[A-Za-z_][\\w.-]*';
const ATTRIBUTE = new RegExp(`\\s+(${NAME})="([^"]*)"`, 'gy');

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface XmlCheck {
  readonly problems: readonly string[];
  /** Every start (or empty) element in document order. */
  readonly elements: readonly XmlElement[];
}

function unescapedMarkup(text: string): boolean {
  return /[<&]/.exec(text.replace(REFERENCE, '')) !== null;
}

function decode(text: string): string {
  return text.replace(REFERENCE, (ref) => {
    const named: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
    if (named[ref]) return named[ref];
    const code = ref.startsWith('&#x') ? parseInt(ref.slice(3, -1), 16) : parseInt(ref.slice(2, -1), 10);
    return String.fromCodePoint(code);
  });
}

export function checkXml(xml: string): XmlCheck {
  const problems: string[] = [];
  const elements: XmlElement[] = [];
  if (!XML_CHAR.test(xml)) problems.push('contains characters XML 1.0 does not allow');
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const open: string[] = [];
  let roots = 0;
  for (const token of body.split(/(<[^>]*>)/)) {
    if (token === '') continue;
    if (!token.startsWith('<')) {
      if (unescapedMarkup(token) || token.includes('>')) problems.push(`raw markup in text: ${JSON.stringify(token)}`);
      if (open.length === 0 && token.trim() !== '') problems.push('text outside the root element');
      continue;
    }
    const closing = new RegExp(`^</(${NAME})\\s*>$`).exec(token);
    if (closing) {
      const expected = open.pop();
      if (expected !== closing[1]) problems.push(`</${closing[1]}> closes <${expected ?? 'nothing'}>`);
      continue;
    }
    const start = new RegExp(`^<(${NAME})`).exec(token);
    if (!start?.[1]) {
      problems.push(`not a tag: ${token}`);
      continue;
    }
    const empty = token.endsWith('/>');
    const inner = token.slice(start[0].length, empty ? -2 : -1);
    const attributes: Record<string, string> = {};
    ATTRIBUTE.lastIndex = 0;
    let consumed = 0;
    for (let match = ATTRIBUTE.exec(inner); match; match = ATTRIBUTE.exec(inner)) {
      const [whole, name = '', value = ''] = match;
      if (name in attributes) problems.push(`duplicate attribute ${name} in <${start[1]}>`);
      if (unescapedMarkup(value)) problems.push(`raw markup in attribute ${name}`);
      attributes[name] = decode(value);
      consumed += whole.length;
    }
    if (inner.slice(consumed).trim() !== '') problems.push(`malformed attributes in <${start[1]}>: ${inner}`);
    if (open.length === 0) roots += 1;
    elements.push({ name: start[1], attributes });
    if (!empty) open.push(start[1]);
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return { problems, elements };
}

/** Text content of every element with this name, decoded. */
export function textOf(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`, 'g'))].map((m) => decode(m[1] ?? ''));
}
