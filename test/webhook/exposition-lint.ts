/**
 * A checker for the Prometheus text exposition format 0.0.4 and the naming rules of Prometheus' own linter
 * (promtool check metrics / promlint), for tests: promtool itself is not built here (its Go module pulls in most
 * of Prometheus). Returns the problems found, one line each; [] means the exposition is clean.
 *
 * Checked: line syntax; metric and label names; label value escapes; one HELP (non-empty) and one TYPE per
 * family, before its samples, families not interleaved; sample names that fit the type; counters named
 * *_total; no camelCase names; no duplicate series; histograms with ascending le buckets, cumulative counts
 * and +Inf equal to _count.
 */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL_PAIR = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

interface Family {
  help?: string;
  type?: string;
  sampled: boolean;
  closed: boolean;
}

function parseLabels(text: string): Map<string, string> | string {
  const labels = new Map<string, string>();
  let rest = text;
  while (rest !== '') {
    const match = LABEL_PAIR.exec(rest);
    if (match === null) return `bad label list {${text}}`;
    const [whole, name = '', value = ''] = match;
    if (name.startsWith('__')) return `reserved label name ${name}`;
    if (labels.has(name)) return `label ${name} twice`;
    labels.set(name, value);
    rest = rest.slice(whole.length);
  }
  return labels;
}

function familyOf(sample: string, families: Map<string, Family>): string {
  if (families.has(sample)) return sample;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sample.endsWith(suffix) && families.get(sample.slice(0, -suffix.length))?.type === 'histogram')
      return sample.slice(0, -suffix.length);
  }
  return sample;
}

export function lintExposition(text: string): string[] {
  const problems: string[] = [];
  const families = new Map<string, Family>();
  const series = new Set<string>();
  const histograms = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  let current: string | null = null;
  const open = (name: string): Family => {
    if (current !== null && current !== name) {
      const previous = families.get(current);
      if (previous) previous.closed = true;
    }
    current = name;
    let family = families.get(name);
    if (family === undefined) {
      family = { sampled: false, closed: false };
      families.set(name, family);
    } else if (family.closed) problems.push(`${name}: family interleaved with another`);
    return family;
  };
  text.split('\n').forEach((line, index) => {
    const at = `line ${index + 1}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (comment === null) return; // other comments are allowed
      const [, kind = '', name = '', rest = ''] = comment;
      if (!METRIC_NAME.test(name)) problems.push(`${at}: bad metric name ${name}`);
      const family = open(name);
      if (kind === 'HELP') {
        if (family.help !== undefined) problems.push(`${name}: HELP twice`);
        if (rest.trim() === '') problems.push(`${name}: empty HELP`);
        family.help = rest;
      } else {
        if (family.type !== undefined) problems.push(`${name}: TYPE twice`);
        if (family.sampled) problems.push(`${name}: TYPE after samples`);
        if (!TYPES.has(rest)) problems.push(`${name}: unknown type ${rest}`);
        family.type = rest;
      }
      return;
    }
    const sample = SAMPLE.exec(line);
    if (sample === null) {
      problems.push(`${at}: not a sample: ${line}`);
      return;
    }
    const [, name = '', labelText = '', valueText = ''] = sample;
    const value = Number(valueText.replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity'));
    // Prometheus parses values with Go's ParseFloat, which takes NaN in any case (prom-client writes "Nan").
    if (Number.isNaN(value) && valueText.toLowerCase() !== 'nan') problems.push(`${at}: value ${valueText} is not a number`);
    const labels = parseLabels(labelText);
    if (typeof labels === 'string') {
      problems.push(`${at}: ${labels}`);
      return;
    }
    const familyName = familyOf(name, families);
    const family = open(familyName);
    family.sampled = true;
    if (family.type === undefined) problems.push(`${name}: sample without TYPE`);
    if (family.help === undefined) problems.push(`${name}: sample without HELP`);
    const key = `${name}{${[...labels]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}}`;
    if (series.has(key)) problems.push(`${at}: duplicate series ${key}`);
    series.add(key);
    if (family.type === 'histogram') {
      const others = [...labels]
        .filter(([k]) => k !== 'le')
        .sort()
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const histogram = histograms.get(`${familyName}{${others}}`) ?? { buckets: [] };
      histograms.set(`${familyName}{${others}}`, histogram);
      if (name.endsWith('_bucket')) {
        const le = labels.get('le');
        if (le === undefined) problems.push(`${at}: bucket without le`);
        else histogram.buckets.push([le === '+Inf' ? Infinity : Number(le), value]);
      } else if (name.endsWith('_count')) histogram.count = value;
      else if (!name.endsWith('_sum')) problems.push(`${at}: ${name} is not a histogram sample`);
    } else if (name !== familyName) problems.push(`${at}: ${name} does not belong to ${familyName}`);
  });
  for (const [name, family] of families) {
    if (family.type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: counter names end in _total`);
    if (family.type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: only counters end in _total`);
    if (/[a-z][A-Z]/.test(name)) problems.push(`${name}: camelCase name`);
  }
  for (const [name, histogram] of histograms) {
    const bounds = histogram.buckets.map(([le]) => le);
    if (bounds.some((le, i) => i > 0 && le <= (bounds[i - 1] ?? -Infinity))) problems.push(`${name}: le not ascending`);
    if (histogram.buckets.some(([, count], i) => i > 0 && count < (histogram.buckets[i - 1]?.[1] ?? 0)))
      problems.push(`${name}: buckets not cumulative`);
    const inf = histogram.buckets.at(-1);
    if (inf?.[0] !== Infinity) problems.push(`${name}: no +Inf bucket`);
    else if (histogram.count !== inf[1]) problems.push(`${name}: +Inf bucket ${inf[1]} differs from _count ${histogram.count}`);
  }
  return problems;
}
