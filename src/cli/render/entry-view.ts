// Pure views of entries: the JSON that --json prints (never the secret or recovery codes)
// and the aligned table a terminal gets.
import type { Entry } from "../../core/entry.js";
import { escapeForTerminal } from "../../core/text.js";

/** Every field but the secret; recovery codes only as counts. Unknown fields are left out. */
export function publicEntry(e: Entry): Record<string, unknown> {
  const codes = e.recoveryCodes ?? [];
  return {
    id: e.id,
    name: e.name,
    issuer: e.issuer,
    account: e.account,
    type: e.type,
    algorithm: e.algorithm,
    digits: e.digits,
    ...(e.type === "hotp" ? { counter: e.counter } : { period: e.period }),
    tags: e.tags ?? [],
    notes: e.notes ?? "",
    recoveryCodes: { total: codes.length, unused: codes.filter((c) => !c.usedAt).length },
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - [...c].length)))
      .join("  ")
      .trimEnd(),
  );
}

export function entryTable(entries: Pick<Entry, "name" | "issuer" | "account" | "type">[]): string[] {
  const rows = entries.map((e) => [e.name, e.issuer, e.account, e.type].map(escapeForTerminal));
  return table([["NAME", "ISSUER", "ACCOUNT", "TYPE"], ...rows]);
}

/** "key: value" lines for `otp show`. */
export function detailLines(e: Entry, extra: [string, string][] = []): string[] {
  const codes = e.recoveryCodes ?? [];
  const lines: [string, string][] = [
    ["name", e.name],
    ["issuer", e.issuer],
    ["account", e.account],
    ["type", e.type],
    ["algorithm", e.algorithm],
    ["digits", String(e.digits)],
    e.type === "hotp" ? ["counter", String(e.counter)] : ["period", `${e.period}s`],
    ["tags", (e.tags ?? []).join(", ")],
    ["notes", e.notes ?? ""],
    ["recovery codes", `${codes.filter((c) => !c.usedAt).length} unused of ${codes.length}`],
    ["created", e.createdAt],
    ["updated", e.updatedAt],
    ["id", e.id],
    ...extra,
  ];
  return table(lines.map(([k, v]) => [k + ":", escapeForTerminal(v)]));
}
