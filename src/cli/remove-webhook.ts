/**
 * `tollgate remove-webhook NAME`: deletes the ValidatingWebhookConfiguration NAME. The chart's pre-delete hook
 * runs it on `helm uninstall`, before the Service goes: a configuration left with failurePolicy Fail and no
 * Service behind it would refuse every matching create and update in the cluster. Already gone is success, so
 * the hook can run again.
 */
import type { Command } from 'commander';
import { TollgateError } from '../model/errors.js';
import { AUDIT_PACKAGES, requirePackages } from './optional-packages.js';

export interface RemoveWebhookOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/;

export async function runRemoveWebhook(name: string, options: RemoveWebhookOptions, write: (line: string) => void): Promise<number> {
  if (!DNS_SUBDOMAIN.test(name)) throw new TollgateError(`remove-webhook needs the configuration's name, a DNS subdomain (got "${name}")`);
  // The Kubernetes client is an optional dependency, loaded only when the command runs (never for --help).
  requirePackages('remove-webhook', AUDIT_PACKAGES);
  const { Cluster } = await import('../audit/cluster.js');
  const cluster = new Cluster({
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
    forbiddenHint: `the account needs the right to delete this configuration (the chart's ${name}-uninstall ClusterRole)`,
  });
  const what = `delete ValidatingWebhookConfiguration ${name}`;
  const path = `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${name}`;
  const response = await cluster.request('DELETE', path, what);
  if (response.status === 404) {
    write(`ValidatingWebhookConfiguration ${name} is already gone\n`);
    return 0;
  }
  if (response.status < 200 || response.status > 299) throw cluster.fault(what, response);
  write(`deleted ValidatingWebhookConfiguration ${name}\n`);
  return 0;
}

export function registerRemoveWebhook(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('remove-webhook')
    .description("Delete Tollgate's ValidatingWebhookConfiguration (the Helm chart's pre-delete hook runs this on uninstall).")
    .argument('<name>', 'name of the ValidatingWebhookConfiguration')
    .option('--kubeconfig <file>', 'kubeconfig file (default: the in-cluster service account, else $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .addHelpText(
      'after',
      `
Needs only the right to delete that one configuration (the chart's hook ClusterRole names it). A configuration that
is already gone is success (exit 0). Exit 2 when the cluster cannot be reached or the deletion is refused.

Example:
  tollgate remove-webhook tollgate --kubeconfig ~/.kube/config`,
    )
    .action(async (name: string, options: RemoveWebhookOptions) => {
      await run(() => runRemoveWebhook(name, options, (line) => process.stdout.write(line)));
    });
}
