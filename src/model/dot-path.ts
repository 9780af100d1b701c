/**
 * Dot paths (`root_block_device.0.volume_size`) split into their segments once each: the plan reader and the
 * pricers ask for the same few dozen paths of every resource, and splitting each at every look-up was a tenth of
 * normalising a large plan.
 */
const segmentsByPath = new Map<string, readonly string[]>();

export function dotPathSegments(path: string): readonly string[] {
  let segments = segmentsByPath.get(path);
  if (segments === undefined) {
    segments = path.split('.');
    segmentsByPath.set(path, segments);
  }
  return segments;
}
