/**
 * Request paths as they may be logged. A client may put a key or a BSN into a URL path (by mistake,
 * or because its software does so); paths go to the process log and the exchange log, so those
 * parts are replaced before anything is written: digit runs of BSN length (8 or 9 digits, also with
 * separators) and long opaque tokens. UUIDs (message ids) stay: they are ours and needed to trace.
 */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BSN_LIKE = /(?<![0-9])[0-9](?:[ .-]?[0-9]){7,8}(?![0-9])/g;
const TOKEN_LIKE = /^[A-Za-z0-9+/=_~.-]{24,}$/;

export function safePath(path: string, max = 200): string {
  return path
    .slice(0, 2000)
    .split('/')
    .map((segment) => {
      let s: string;
      try {
        s = decodeURIComponent(segment);
      } catch {
        s = segment;
      }
      if (UUID.test(s)) return s;
      if (TOKEN_LIKE.test(s)) return ':redacted';
      return s.replace(BSN_LIKE, ':bsn');
    })
    .join('/')
    .slice(0, max);
}
