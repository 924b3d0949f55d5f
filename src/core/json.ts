// The two JSON helpers core needs in several places (the vault's format, content and merge, the
// import codecs): one copy each.

/** A JSON object: not null, not an array. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A copy of `v` with every object's keys in sorted order, so its JSON has one spelling. */
export function sortKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeys) as T;
  if (v !== null && typeof v === "object") {
    // fromEntries, not out[k] = …: a "__proto__" member stays a member, as JSON.parse made it.
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    ) as T;
  }
  return v;
}

/** JSON with every object's keys sorted: equal for values that differ only in key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

/**
 * canonicalJson(a) === canonicalJson(b), made quick for the usual case of values that are the
 * same JSON as they stand (copies of a vault parsed from files one serializer wrote): the same
 * JSON is the same canonical JSON, so only values that differ are sorted.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b) || canonicalJson(a) === canonicalJson(b);
}
