/**
 * Hours of use per resource: `usage` maps an address glob to hours per month, for resources that do not run
 * all month (a training pool used 200 h, a notebook used in office hours). Globs follow the exemption syntax:
 * `*` matches within one address segment (no "."), `**` matches across segments, `?` one character.
 * An exact address wins; otherwise the first matching pattern in the map's order.
 */
import { TollgateError } from '../model/errors.js';

interface UsageRule {
  readonly pattern: string;
  readonly matcher: RegExp;
  readonly hours: number;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob.charAt(i);
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^.]*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$+.()|[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export class UsageHours {
  private readonly exact = new Map<string, number>();
  private readonly rules: UsageRule[] = [];

  constructor(
    usage: Readonly<Record<string, number>>,
    private readonly defaultHours: number,
  ) {
    for (const [pattern, hours] of Object.entries(usage)) {
      if (!Number.isFinite(hours) || hours < 0) {
        throw new TollgateError(`usage hours for "${pattern}" must be a number of hours ≥ 0 (got ${String(hours)})`);
      }
      if (/[*?]/.test(pattern)) this.rules.push({ pattern, matcher: globToRegExp(pattern), hours });
      else this.exact.set(pattern, hours);
    }
  }

  /** Hours per month the resource at `address` runs. */
  hoursFor(address: string): number {
    const exact = this.exact.get(address);
    if (exact !== undefined) return exact;
    for (const rule of this.rules) if (rule.matcher.test(address)) return rule.hours;
    return this.defaultHours;
  }
}
