// SQLite databases (apps' internal stores), read with sql.js (SQLite compiled to WASM: no
// native build, nothing written to disk), loaded only when such a file is imported.
// A database is a container too: a table's values can be computed when read (generated
// columns, defaults of rows older than their column), so a few KiB can yield gigabytes. The
// table is measured by SQLite itself (length() of a zeroblob costs nothing) and refused past
// the caps of core/limits before any row reaches JavaScript; SQLite's heap is capped as well.
import { InputError } from "../errors.js";
import { MAX_ENTRIES, checkUnpacked } from "../limits.js";
import { loadPackage } from "../load.js";
import type { ImportSource } from "./types.js";
import { damaged } from "./input.js";

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
    db.exec(`PRAGMA hard_heap_limit = ${HEAP_LIMIT}`);
    const names = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values.map((v) => v[0]) ?? [];
    if (!names.includes(table)) throw damaged(src, what, `it has no "${table}" table`);
    checkTableSize(db, src, table, what);
    const res = db.exec(`SELECT * FROM "${table}"`)[0];
    if (!res) return [];
    return res.values.map((v) => Object.fromEntries(res.columns.map((c, i) => [c, v[i]])));
  } catch (err) {
    // instanceof, not err.name: the minified bundle renames classes.
    if (err instanceof InputError) throw err;
    throw damaged(src, what, "it is not a readable SQLite database");
  } finally {
    db?.close();
  }
}

/** SQLite's own allocations (page cache, values as computed): far above what a real table needs. */
const HEAP_LIMIT = 64 * 1024 * 1024;

type Db = { exec(sql: string): { columns: string[]; values: unknown[][] }[] };

/** Refuses, before any row is read, a table that is virtual, computes columns, or holds too much. */
function checkTableSize(db: Db, src: ImportSource, table: string, what: string): void {
  const sql = String(db.exec(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '${table}'`)[0]?.values[0]?.[0] ?? "");
  // table_xinfo's "hidden": 0 for a plain column; 1 a virtual table's, 2 and 3 generated ones.
  const cols = db.exec(`PRAGMA table_xinfo("${table}")`)[0]?.values ?? [];
  if (/^\s*create\s+virtual/i.test(sql) || cols.some((c) => c[6] !== 0))
    throw damaged(src, what, `its "${table}" table computes its values (virtual or generated columns), which the app's never does`);
  const lengths = cols.map((c) => `coalesce(length("${String(c[1]).replace(/"/g, '""')}"), 0)`).join(" + ") || "0";
  const [rows, bytes] = (db.exec(`SELECT count(*), total(${lengths}) FROM "${table}"`)[0]?.values[0] ?? [0, 0]) as number[];
  if (rows! > MAX_ENTRIES)
    throw new InputError("too-large", `${src.name}: its "${table}" table has ${rows} rows, more than the ${MAX_ENTRIES} otp reads`, [
      "an authenticator's database is far smaller: the file is damaged or made to exhaust memory",
    ]);
  checkUnpacked(src.name, `its "${table}" table`, bytes!, src.bytes.length);
}
