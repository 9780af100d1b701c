/**
 * The connection to one cluster, through the official client (`@kubernetes/client-node`): its KubeConfig
 * reads kubeconfig files, contexts, in-cluster service account tokens, client certificates and exec plugins,
 * and its HTTP library sends the requests with that authentication and TLS.
 *
 * Responses are read as the raw JSON the API server sent, not through the client's typed models: those drop
 * fields the client version does not know and rewrite timestamps, and the audit must judge exactly the object
 * the admission webhook would receive (same input, same decision).
 *
 * Every fault — unreachable server, expired or rejected credentials, a forbidden list, a timeout — becomes a
 * TollgateError (exit 2) naming the cluster and what was being read.
 */
import { existsSync } from 'node:fs';
import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, ServerConfiguration, type RequestContext } from '@kubernetes/client-node';
import { errorMessage, TollgateError } from '../model/errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout.js';

/** The service account files a pod gets (the client reads the token and CA from here). */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export { DEFAULT_REQUEST_TIMEOUT_MS };

export interface ClusterOptions {
  /** `--kubeconfig`: a kubeconfig file; without it, the in-cluster service account, else $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  /** `--context`: a context of the kubeconfig instead of its current context. */
  readonly context?: string;
  /** Longest a single request may take. */
  readonly requestTimeoutMs?: number;
  /** Where a 403 points the user for the rights the command needs (default: the audit's RBAC). */
  readonly forbiddenHint?: string;
}

export interface ClusterResponse {
  readonly status: number;
  readonly body: unknown;
}

/** The network-level reason a request failed, as one short phrase. */
function transportFault(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; type?: string; errno?: string; message?: string };
  if (err.name === 'AbortError' || err.name === 'TimeoutError' || err.type === 'aborted') return `no answer within ${timeoutMs} ms`;
  const code = err.code ?? err.errno;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS certificate not trusted (${code})`;
  return errorMessage(error);
}

/** The API server's own explanation in a Status body, when there is one. */
function statusMessage(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return null;
}

function loadKubeConfig(options: ClusterOptions): KubeConfig {
  const config = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) {
      if (!existsSync(options.kubeconfig)) throw new TollgateError('kubeconfig not found', { file: options.kubeconfig });
      config.loadFromFile(options.kubeconfig);
    } else if (options.context === undefined && process.env['KUBERNETES_SERVICE_HOST'] && existsSync(`${SERVICE_ACCOUNT_DIR}/token`)) {
      // Running in a pod: its service account, as the CronJob in deploy/ does.
      config.loadFromCluster();
    } else {
      config.loadFromDefault();
    }
  } catch (error) {
    if (error instanceof TollgateError) throw error;
    throw new TollgateError(`cannot read the kubeconfig: ${errorMessage(error)}`, options.kubeconfig ? { file: options.kubeconfig } : {});
  }
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      const known = config.getContexts().map((context) => context.name);
      throw new TollgateError(
        `--context ${options.context} is not in the kubeconfig (contexts: ${known.length > 0 ? known.join(', ') : 'none'})`,
      );
    }
    config.setCurrentContext(options.context);
  }
  // With nothing to read, the client falls back to http://localhost:8080 ("loaded-context"): never what a user meant.
  if (config.getCurrentCluster() === null || config.getCurrentContext() === 'loaded-context') {
    throw new TollgateError(
      'no cluster to audit: not running in a pod with a service account, and no kubeconfig with a current context ' +
        '(give --kubeconfig FILE and --context NAME, or set KUBECONFIG)',
    );
  }
  return config;
}

export class Cluster {
  private readonly config: KubeConfig;
  private readonly server: ServerConfiguration<Record<string, string>>;
  private readonly http = new IsomorphicFetchHttpLibrary();
  readonly timeoutMs: number;
  private readonly forbiddenHint: string;
  /** "context kind-ml (https://127.0.0.1:6443)" or "in-cluster (https://10.0.0.1:443)": how errors name the cluster. */
  readonly name: string;

  constructor(options: ClusterOptions = {}) {
    this.config = loadKubeConfig(options);
    const cluster = this.config.getCurrentCluster();
    const serverUrl = cluster?.server ?? '';
    this.server = new ServerConfiguration(serverUrl.replace(/\/+$/, ''), {});
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.forbiddenHint = options.forbiddenHint ?? 'see deploy/audit-cronjob.yaml for the RBAC audit needs';
    const context = this.config.getCurrentContext();
    this.name = `${context === 'inClusterContext' || context === '' ? 'in-cluster' : `context ${context}`} (${serverUrl})`;
  }

  /**
   * One request. `what` names what is being read or written ("list Pods", "write PolicyReport ml-dev/tollgate")
   * for the error line. Returns every HTTP status: the caller decides which ones mean "absent".
   */
  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    what: string,
    options: RequestOptions = {},
  ): Promise<ClusterResponse> {
    const context: RequestContext = this.server.makeRequestContext(path, HttpMethod[method]);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) context.setQueryParam(name, String(value));
    }
    context.setHeaderParam('Accept', 'application/json');
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', 'application/json');
      context.setBody(JSON.stringify(options.body));
    }
    context.setSignal(AbortSignal.timeout(this.timeoutMs));
    let status: number;
    let text: string;
    try {
      await this.config.applySecurityAuthentication(context);
      const response = await this.http.send(context).toPromise();
      status = response.httpStatusCode;
      text = await response.body.text();
    } catch (error) {
      throw new TollgateError(`cluster ${this.name}: cannot ${what}: ${transportFault(error, this.timeoutMs)}`);
    }
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      if (status < 300) throw new TollgateError(`cluster ${this.name}: cannot ${what}: the answer is not JSON (HTTP ${status})`);
    }
    if (status === 401) {
      throw new TollgateError(`cluster ${this.name}: cannot ${what}: the credentials were rejected (401; expired or revoked token?)`);
    }
    if (status === 403) {
      const reason = statusMessage(body);
      throw new TollgateError(
        `cluster ${this.name}: cannot ${what}: forbidden (403${reason !== null ? `: ${reason}` : ''}); ${this.forbiddenHint}`,
      );
    }
    return { status, body };
  }

  /** A request whose only good answer is 2xx. */
  async expectOk(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, what: string, options: RequestOptions = {}): Promise<unknown> {
    const response = await this.request(method, path, what, options);
    if (response.status < 200 || response.status > 299) throw this.fault(what, response);
    return response.body;
  }

  fault(what: string, response: ClusterResponse): TollgateError {
    const reason = statusMessage(response.body);
    return new TollgateError(`cluster ${this.name}: cannot ${what}: HTTP ${response.status}${reason !== null ? ` (${reason})` : ''}`);
  }
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
}
