// A streamed download read a page at a time: the header first, then one page per pull, so a slow
// reader slows the reads instead of filling memory. Used by the case and image-list exports.

export interface PagedStreamOptions<C> {
  /** Written before the first page ("" for none). */
  header: string;
  /** One page after `cursor` (null: the first): its text and the next cursor, null after the last. */
  page(cursor: C | null): Promise<{ text: string; next: C | null }>;
  /** Told when a page fails; the stream then ends with that error (a cut-off download, never a short file that looks whole). */
  onError(err: unknown): void;
}

export function pagedTextStream<C>({ header, page, onError }: PagedStreamOptions<C>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: C | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (header) return controller.enqueue(encoder.encode(header));
      }
      try {
        const out = await page(cursor);
        if (out.text) controller.enqueue(encoder.encode(out.text));
        if (out.next === null) controller.close();
        else cursor = out.next;
      } catch (err) {
        onError(err);
        controller.error(err);
      }
    },
  });
}
