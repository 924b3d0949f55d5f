// SQLite databases (apps' internal stores), read with sql.js (SQLite compiled to WASM: no
// native build, nothing written to disk), loaded only when such a file is imported.
import { loadPackage } from "../load.js";
import type { ImportSource } from "./types.js";
import { damaged } from "./shared.js";

const HEADER = "SQLite format 3\u0000";

export function isSqlite(bytes: Uint8Array): boolean {
  return bytes.length >= 100 && new TextDecoder().decode(bytes.subarray(0, 16)) === HEADER;
}

/**
 * Cheap sniff: an SQLite file whose schema (kept as SQL text in the first pages) mentions
 * every one of `words`. decode() then reads the tables for real.
 */
export function sqliteMentions(bytes: Uint8Array, words: string[]): boolean {
  if (!isSqlite(bytes)) return false;
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
  return words.every((w) => head.includes(w));
}

export type Row = Record<string, unknown>;

/** Every row of `table` as column → value. Throws InputError when the file or table is not readable. */
export async function readTable(src: ImportSource, table: string, what: string): Promise<Row[]> {
  type SqlJs = typeof import("sql.js");
  const mod = await loadPackage<SqlJs & { default?: SqlJs }>("sql.js");
  const init = (mod.default ?? mod) as unknown as SqlJs["default"];
  const SQL = await init();
  let db: InstanceType<typeof SQL.Database> | undefined;
  try {
    db = new SQL.Database(src.bytes);
    const names = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values.map((v) => v[0]) ?? [];
    if (!names.includes(table)) throw damaged(src, what, `it has no "${table}" table`);
    const res = db.exec(`SELECT * FROM "${table}"`)[0];
    if (!res) return [];
    return res.values.map((v) => Object.fromEntries(res.columns.map((c, i) => [c, v[i]])));
  } catch (err) {
    if (err instanceof Error && err.name === "InputError") throw err;
    throw damaged(src, what, "it is not a readable SQLite database");
  } finally {
    db?.close();
  }
}
