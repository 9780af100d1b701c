/** Small builders for synthetic plans in the Terraform reader tests. */
export interface ChangeSpec {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly actions?: readonly string[];
  readonly after?: Record<string, unknown> | null;
  readonly afterUnknown?: unknown;
  readonly afterSensitive?: unknown;
  /** The prior state, for update / replace / no-op changes. */
  readonly before?: Record<string, unknown> | null;
  readonly beforeSensitive?: unknown;
  readonly moduleAddress?: string;
  readonly index?: string | number;
  readonly mode?: 'managed' | 'data';
}

function providerOfType(type: string): string {
  // registry.terraform.io/hashicorp/<name>: the type's first word is the provider's local name.
  return type.slice(0, type.indexOf('_'));
}

export function change(spec: ChangeSpec): Record<string, unknown> {
  return {
    address: spec.address,
    ...(spec.moduleAddress ? { module_address: spec.moduleAddress } : {}),
    mode: spec.mode ?? 'managed',
    type: spec.type,
    name: spec.name,
    ...(spec.index !== undefined ? { index: spec.index } : {}),
    provider_name: `registry.terraform.io/hashicorp/${providerOfType(spec.type)}`,
    change: {
      actions: spec.actions ?? ['create'],
      before: spec.before ?? null,
      after: spec.after === undefined ? {} : spec.after,
      after_unknown: spec.afterUnknown ?? {},
      before_sensitive: spec.beforeSensitive ?? false,
      after_sensitive: spec.afterSensitive ?? {},
    },
  };
}

export function planText(resourceChanges: unknown[], configuration?: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.8',
      resource_changes: resourceChanges,
      ...(configuration ? { configuration } : {}),
      ...extra,
    },
    null,
    2,
  );
}
