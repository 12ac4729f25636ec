import type { Media } from "../cases/case-media";

/** An image body, served as an image only: never sniffed into something else, never run as a page. */
export function imageResponse(media: Media, cacheControl: string): Response {
  return new Response(new Uint8Array(media.bytes), {
    headers: {
      "content-type": media.mime,
      "cache-control": cacheControl,
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'",
    },
  });
}
