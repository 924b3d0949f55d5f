// The two Argon2id engines (kdf.ts) against each other and against a value three independent
// implementations agree on (libsodium's crypto_pwhash, @node-rs/argon2, hash-wasm's argon2id,
// computed once by hand): a vault made where one engine runs must open where the other does.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { DEFAULT_ARGON2, argon2Engine, argon2id, argon2idLanesNative, kdfCount } from "../../../../src/core/vault/kdf.js";
import { hex } from "./helpers.js";

const SEED = 5_12_2026;
const salt7 = new Uint8Array(16).fill(7);
// "pässwörd", salt 16 × 0x07, 3 passes over 64 MiB, 32 bytes out.
const PINNED = "b7302730b163541bd565f3df65a437549b8a70dea563e6d72ddf7182112e78ab";

// Prebuilt binaries of @node-rs/argon2 exist for these; elsewhere otp falls back to WASM.
const prebuilt = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"].includes(`${process.platform}-${process.arch}`);

describe("Argon2id engines", () => {
  it.runIf(prebuilt)("is native on a platform with a prebuilt binary", async () => {
    expect(await argon2Engine()).toBe("native");
  });

  it("gives the pinned value at the vault's default cost, on both engines", async () => {
    for (const engine of ["native", "wasm"] as const) {
      if (engine === "native" && !prebuilt) continue;
      expect(hex(await argon2id("pässwörd", salt7, DEFAULT_ARGON2, engine)), engine).toBe(PINNED);
    }
  });

  it("agrees with libsodium on random passwords, salts, passes and memory sizes", async () => {
    if (!prebuilt) return;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40, unit: "binary" }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 8, max: 300 }),
        async (password, salt, ops, kib) => {
          const params = { ops, mem: kib * 1024 };
          expect(hex(await argon2id(password, salt, params, "native"))).toBe(hex(await argon2id(password, salt, params, "wasm")));
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it("with several lanes (another app's export: Stratum uses 4), native agrees with @noble/hashes' JavaScript", async () => {
    if (!prebuilt) return;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 8, maxLength: 32 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 4, max: 64 }),
        async (pw, salt, t, p, extraKiB, dkLen) => {
          const o = { t, mKiB: 8 * p + extraKiB, p, dkLen };
          const js = await argon2idAsync(pw, salt, { t, m: o.mKiB, p, dkLen });
          expect(hex((await argon2idLanesNative(pw, salt, o))!)).toBe(hex(js));
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it("stretches NFC and NFD spellings of a password alike, and counts each run", async () => {
    const before = kdfCount();
    const nfc = await argon2id("pässwörd".normalize("NFC"), salt7, { ops: 1, mem: 8 * 1024 });
    const nfd = await argon2id("pässwörd".normalize("NFD"), salt7, { ops: 1, mem: 8 * 1024 });
    expect(hex(nfd)).toBe(hex(nfc));
    expect(kdfCount() - before).toBe(2);
  });
});

describe("where the native binary does not load", () => {
  it("falls back to libsodium's WASM, with the same bytes", async () => {
    vi.resetModules();
    vi.doMock("../../../../src/core/load.js", async (importOriginal) => {
      const real = await importOriginal<typeof import("../../../../src/core/load.js")>();
      const missing = () => {
        throw new Error("Cannot find native binding");
      };
      return { ...real, loadCommonJs: () => Promise.reject(new Error("Cannot find native binding")), requireAddon: missing };
    });
    try {
      const kdf = await import("../../../../src/core/vault/kdf.js");
      expect(await kdf.argon2Engine()).toBe("wasm");
      expect(hex(await kdf.argon2id("pässwörd", salt7, DEFAULT_ARGON2))).toBe(PINNED);
      await expect(kdf.argon2id("pässwörd", salt7, DEFAULT_ARGON2, "native")).rejects.toThrow(/does not load/);
      // Several lanes: none natively, so the caller runs the JavaScript one (stratum.ts).
      expect(await kdf.argon2idLanesNative(new Uint8Array(3), salt7, { t: 1, mKiB: 32, p: 4, dkLen: 32 })).toBeUndefined();
    } finally {
      vi.doUnmock("../../../../src/core/load.js");
      vi.resetModules();
    }
  });
});
