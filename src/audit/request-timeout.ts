/** How long one Kubernetes API request may take; apart from the client so `--help` can say it without loading it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
