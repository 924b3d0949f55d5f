// Durations for `otp unlock --for`: 30s, 15m, 2h, 1h30m. Pure.
import { UsageError } from "./errors.js";

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in TEXT; throws UsageError for anything but a positive duration up to maxMs. */
export function parseDuration(text: string, maxMs: number): number {
  const bad = () => new UsageError("usage", `--for wants a duration like 30s, 15m or 2h (at most ${maxMs / 3_600_000}h), not "${text}"`);
  if (!/^(\d+[smh])+$/.test(text.trim())) throw bad();
  let ms = 0;
  for (const m of text.trim().matchAll(/(\d+)([smh])/g)) ms += Number(m[1]) * UNIT[m[2]!]!;
  if (ms <= 0 || ms > maxMs) throw bad();
  return ms;
}
