/** Bundles built by hand in tests. */

/** A ustar archive of the given files. */
export function tarOf(files: Record<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    const header = new Uint8Array(512);
    const put = (offset: number, text: string): void => header.set(new TextEncoder().encode(text), offset);
    put(0, name);
    put(100, '0000644\0');
    put(124, `${data.length.toString(8).padStart(11, '0')}\0`);
    put(156, '0');
    put(257, 'ustar\0');
    put(148, '        ');
    put(
      148,
      `${header
        .reduce((t, b) => t + b, 0)
        .toString(8)
        .padStart(6, '0')}\0 `,
    );
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, new Uint8Array(1024)]);
}
