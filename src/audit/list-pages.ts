/**
 * A list read page by page (`limit` and `continue`), so that memory holds one page of a large cluster at a
 * time. The API server serves every page from one consistent snapshot; when that snapshot has been
 * compacted away (410 Gone, a very long run), the audit stops rather than judge a mix of two moments.
 */
import { arrayAt, isObject, stringAt } from '../inputs/kubernetes/object-shape.js';
import { TollgateError } from '../model/errors.js';
import type { Cluster } from './cluster.js';

export const DEFAULT_PAGE_SIZE = 500;

/** Yields each page's items; any status but 200 is a fault naming the cluster and the list. */
export async function* listPages(
  cluster: Cluster,
  path: string,
  what: string,
  pageSize: number,
  query: Readonly<Record<string, string>> = {},
): AsyncGenerator<readonly unknown[]> {
  let token: string | undefined;
  do {
    const response = await cluster.request('GET', path, what, { query: { ...query, limit: pageSize, continue: token } });
    if (response.status === 410) {
      throw new TollgateError(
        `cluster ${cluster.name}: cannot ${what}: the list expired between pages (410 Gone); run the audit again, or raise --page-size`,
      );
    }
    if (response.status !== 200) throw cluster.fault(what, response);
    if (!isObject(response.body)) throw new TollgateError(`cluster ${cluster.name}: cannot ${what}: the answer is not a list`);
    yield arrayAt(response.body, 'items');
    token = stringAt(response.body, 'metadata', 'continue') ?? undefined;
  } while (token !== undefined);
}
