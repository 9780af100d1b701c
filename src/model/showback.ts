/**
 * Showback facts of the nightly report, as prepare hands them to Rego (`input.report.showback`,
 * `input.report.freshness`): who spent what this month and last, and how current each billing account's data
 * is. Plain sums in the report currency; shares, changes and statuses are computed by the policies
 * (policies/facts/showback.rego, policies/facts/freshness.rego), never here.
 */

/** One line of a showback table: a team, cloud, service or model. */
export interface ShowbackLine {
  /** The team, cloud, service or model reference; "(untagged)" for spend that names none. */
  readonly key: string;
  /** This month, from the 1st through the last complete day. */
  readonly month_to_date: number;
  /** The previous month over the same days (1st through the same day of the month). */
  readonly previous_month_to_date: number;
  /** The whole previous month. */
  readonly previous_month: number;
}

/** Spend of a model version, by the project's model reference, joined to the inventory when one was given. */
export interface ModelShowbackLine extends ShowbackLine {
  readonly model_id: string | null;
  readonly version: string | null;
  /** From the inventory (`--inventory`); null without one or for a model it does not list. */
  readonly owner_team: string | null;
  readonly risk_tier: string | null;
  readonly in_inventory: boolean;
}

export interface Showback {
  /** YYYY-MM of this month and the previous one. */
  readonly month: string;
  readonly previous_month: string;
  /** The last day counted as month to date (YYYY-MM-DD): the last day every billing account has data for. */
  readonly complete_through: string;
  /** The tag key that names a team. */
  readonly team_tag: string;
  readonly totals: Omit<ShowbackLine, 'key'>;
  readonly by_team: readonly ShowbackLine[];
  readonly by_cloud: readonly ShowbackLine[];
  readonly by_service: readonly ShowbackLine[];
  readonly by_model: readonly ModelShowbackLine[];
}

/** How current one billing account's data is. */
export interface AccountFreshness {
  readonly provider: string;
  /** The billing sub-account (AWS account, Azure subscription, GCP project); null when the source has none. */
  readonly account: string | null;
  /** The sources that hold its last day. */
  readonly sources: readonly string[];
  /** Its last day of actual spend, YYYY-MM-DD. */
  readonly last_day: string;
  /** Whole days between that day and yesterday (0: data through yesterday). */
  readonly days_behind: number;
}

/** One priced resource of a check result against its actual spend (`input.report.estimates.resources`). */
export interface EstimateLine {
  readonly address: string;
  /** The check result the estimate came from. */
  readonly file: string;
  readonly team: string;
  readonly estimated_monthly: number | null;
  /** Month-to-date spend of what it matched, as a monthly run rate on the estimate's hours; null: nothing matched. */
  readonly actual_monthly: number | null;
  readonly actual_month_to_date: number | null;
  /** How the spend was found: by the resource's cloud id, by its model reference, or not at all. */
  readonly matched_by: 'resource id' | 'model' | null;
  /** The billing ResourceId or model reference matched. */
  readonly matched: string | null;
}

/** A team's matched resources added up: estimate against actual run rate. */
export interface EstimateTeamLine {
  readonly team: string;
  /** Null when none of the team's resources matched spend. */
  readonly estimated_monthly: number | null;
  readonly actual_monthly: number | null;
  readonly resources: number;
  /** Resources of the team with no spend matched (left out of both sums). */
  readonly unmatched: number;
}

export interface EstimatesVsActual {
  /** Days of this month the run rate is computed over (through the last complete day). */
  readonly days: number;
  readonly resources: readonly EstimateLine[];
  readonly teams: readonly EstimateTeamLine[];
}
