/**
 * The days an anomaly finding covers, for marking them on the daily chart: TG-ANO-001 reports consecutive
 * anomalous days as one finding with `evidence.days`; a finding with only `evidence.day` covers that day.
 */
import type { Finding } from '../model/decision.js';

export function anomalyDaysOf(finding: Finding): string[] {
  const days = finding.evidence['days'];
  if (Array.isArray(days)) return days.filter((day): day is string => typeof day === 'string');
  const day = finding.evidence['day'];
  return typeof day === 'string' ? [day] : [];
}
