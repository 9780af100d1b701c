/**
 * The one prepare stage (../shared/DESIGN.md "One prepare stage"):
 *
 *   const settings = prepareSettings(loadConfig(file));            // once per config (re)load
 *   const input = await prepare({ subject: { kind: 'plan', plan, source }, sources: { spendFiles }, settings, now });
 */
export {
  prepare,
  type AdmissionOperation,
  type AdmissionSources,
  type AdmissionSubject,
  type PlanSources,
  type PlanSubject,
  type PrepareAdmission,
  type PreparePlan,
  type PrepareReport,
  type PrepareRequest,
  type ReportPolicyInput,
  type ReportSources,
  type ReportSubject,
} from './prepare.js';
export { configRelative, parseHoursPerMonth, prepareSettings, type PreparedSettings, type SettingsOverrides } from './settings.js';
export { modelFacts } from './model-facts.js';
