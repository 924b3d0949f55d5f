// crypto.ts against libsodium's WASM build (libsodium-wrappers-sumo), the reference the format
// names: XChaCha20-Poly1305-IETF both ways on random inputs, BLAKE2b-512, SHA-256,
// sodium_pad/unpad at 1 KiB blocks, authentication failures on every flipped bit, and the HKDF
// subkeys (RFC 5869's vectors, Node's hkdfSync). Each check runs on both engines (primitives.ts):
// libsodium's addon (sodium-native), and Node's crypto as where that addon does not load.
import { createHash, createHmac, hkdfSync } from "node:crypto";
import fc from "fast-check";
import sodium from "libsodium-wrappers-sumo";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { pad, unpad } from "../../../../src/core/vault/crypto.js";
import { flipBit, hex } from "./helpers.js";

const SEED = 7_3_2026;
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const textOf = (t: string) => new TextEncoder().encode(t);

beforeAll(async () => {
  await sodium.ready;
});

/** libsodium's encrypt, with the argument order spelt out once. */
const sodiumSeal = (key: Uint8Array, nonce: Uint8Array, m: Uint8Array, ad: Uint8Array) =>
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(m, ad, null, nonce, key);
const sodiumOpen = (key: Uint8Array, nonce: Uint8Array, c: Uint8Array, ad: Uint8Array): Uint8Array | null => {
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, c, ad, nonce, key);
  } catch {
    return null;
  }
};

/** Plaintexts of many lengths: short ones around the 64-byte ChaCha block, and long ones. */
const anyLength = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.uint8Array({ minLength: 1000, maxLength: 3000 }),
  fc.constantFrom(0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025).map((n) => new Uint8Array(n).fill(0xa5)),
);
/** Byte arrays that sit at an odd offset inside a bigger buffer, as subarrays do. */
const atOffset = (n: number) =>
  fc.tuple(fc.uint8Array({ minLength: n, maxLength: n }), fc.integer({ min: 0, max: 7 })).map(([b, off]) => {
    const big = new Uint8Array(n + off + 3);
    big.set(b, off);
    return big.subarray(off, off + n);
  });
const aeadCase = fc.record({ key: atOffset(32), nonce: atOffset(24), ad: fc.uint8Array({ maxLength: 300 }), m: anyLength });

describe("pad/unpad equal sodium_pad/sodium_unpad with 1024-byte blocks", () => {
  it("pad gives sodium.pad's bytes, and both unpads undo it", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.constantFrom(0, 1, 1022, 1023, 1024, 1025, 2047, 2048).map((n) => new Uint8Array(n).fill(0x80)),
        ),
        (m) => {
          const ours = pad(m, 1024);
          expect(ours.length % 1024).toBe(0);
          expect(ours.length).toBeGreaterThan(m.length);
          expect(hex(ours)).toBe(hex(sodium.pad(m, 1024)));
          expect(hex(unpad(ours, 1024)!)).toBe(hex(m));
          expect(hex(sodium.unpad(ours, 1024))).toBe(hex(m));
        },
      ),
      { seed: SEED + 3, numRuns: 300 },
    );
  });

  /** Padded-looking blocks: content, the 0x80 marker, zeros, then sometimes one damaged byte. */
  const paddedish = fc
    .record({
      blocks: fc.integer({ min: 1, max: 3 }),
      content: fc.integer({ min: 0, max: 3100 }),
      marker: fc.constantFrom(0x80, 0x80, 0x80, 0x80, 0x00, 0x81, 0x7f, 0x01),
      damageAt: fc.oneof(fc.constant(undefined), fc.nat()),
      damageWith: fc.integer({ min: 0, max: 255 }),
    })
    .map(({ blocks, content, marker, damageAt, damageWith }) => {
      const out = new Uint8Array(blocks * 1024);
      const at = content % out.length;
      for (let i = 0; i < at; i++) out[i] = (i * 37 + 11) & 0xff;
      out[at] = marker;
      if (damageAt !== undefined) out[damageAt % out.length] = damageWith;
      return out;
    });

  it("unpad accepts and refuses exactly what sodium.unpad does (whole blocks)", () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: paddedish, weight: 3 }, { arbitrary: fc.uint8Array({ minLength: 1024, maxLength: 1024 }), weight: 1 }),
        (p) => {
          let theirs: Uint8Array | null;
          try {
            theirs = sodium.unpad(p, 1024);
          } catch {
            theirs = null;
          }
          const ours = unpad(p, 1024);
          expect(ours === null ? null : hex(ours)).toBe(theirs === null ? null : hex(theirs));
          seen[ours === null ? "refused" : "accepted"]++;
        },
      ),
      { seed: SEED + 4, numRuns: 1000 },
    );
    expect(seen.accepted).toBeGreaterThan(100);
    expect(seen.refused).toBeGreaterThan(100);
  });

  it("unpad refuses empty input, all zeros, and lengths that are not whole blocks", () => {
    expect(unpad(new Uint8Array(0), 1024)).toBeNull();
    expect(unpad(new Uint8Array(1024), 1024)).toBeNull();
    expect(unpad(pad(new Uint8Array(10), 1024).subarray(0, 1023), 1024)).toBeNull();
    const twoBlocksMarkerInFirst = new Uint8Array(2048);
    twoBlocksMarkerInFirst[1000] = 0x80; // more than one block of zeros after the marker
    expect(unpad(twoBlocksMarkerInFirst, 1024)).toBeNull();
  });
});

/** RFC 5869 HKDF-SHA256 written out with HMAC, as an independent reference. */
function hkdfReference(ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Uint8Array {
  const prk = createHmac("sha256", salt.length ? salt : new Uint8Array(32))
    .update(ikm)
    .digest();
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.length * 32 < length; i++) {
    t = createHmac("sha256", prk)
      .update(Buffer.concat([t, Buffer.from(info, "utf8"), Buffer.from([i])]))
      .digest();
    out.push(t);
  }
  return new Uint8Array(Buffer.concat(out).subarray(0, length));
}

const ENGINES = [
  ["libsodium's addon (sodium-native)", "libsodium"],
  ["Node's crypto (where that addon does not load)", "node"],
] as const;

describe.each(ENGINES)("on %s", (_label, engine) => {
  let C: typeof import("../../../../src/core/vault/crypto.js");
  beforeAll(async () => {
    vi.resetModules();
    if (engine === "node") vi.doMock("../../../../src/core/vault/primitives-sodium.js", () => ({ sodiumPrimitives: () => null }));
    else vi.doUnmock("../../../../src/core/vault/primitives-sodium.js");
    C = await import("../../../../src/core/vault/crypto.js");
    expect(C.cryptoEngine()).toBe(engine);
  });

  describe("XChaCha20-Poly1305 equals libsodium's crypto_aead_xchacha20poly1305_ietf", () => {
    it("matches the draft-irtf-cfrg-xchacha test vector (A.3.1), as libsodium does", () => {
      const key = fromHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
      const nonce = fromHex("404142434445464748494a4b4c4d4e4f5051525354555657");
      const ad = fromHex("50515253c0c1c2c3c4c5c6c7");
      const m = new TextEncoder().encode(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
      );
      const want =
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e" +
        "c0875924c1c7987947deafd8780acf49";
      expect(hex(sodiumSeal(key, nonce, m, ad))).toBe(want);
      expect(hex(C.seal(key, nonce, m, ad))).toBe(want);
      expect(C.open(key, nonce, fromHex(want), ad)).toEqual(m);
    });

    it("seal gives libsodium's bytes, and libsodium opens them (random keys, nonces, ad, lengths)", () => {
      fc.assert(
        fc.property(aeadCase, ({ key, nonce, ad, m }) => {
          const ours = C.seal(key, nonce, m, ad);
          expect(ours.length).toBe(m.length + 16);
          expect(hex(ours)).toBe(hex(sodiumSeal(key, nonce, m, ad)));
          expect(sodiumOpen(key, nonce, ours, ad)).toEqual(m);
        }),
        { seed: SEED, numRuns: 150 },
      );
    });

    it("open reads what libsodium sealed", () => {
      fc.assert(
        fc.property(aeadCase, ({ key, nonce, ad, m }) => {
          const theirs = sodiumSeal(key, nonce, m, ad);
          const back = C.open(key, nonce, theirs, ad);
          expect(back).not.toBeNull();
          expect(hex(back!)).toBe(hex(m));
        }),
        { seed: SEED + 1, numRuns: 150 },
      );
    });

    it("does not modify its inputs", () => {
      const key = new Uint8Array(32).fill(1);
      const nonce = new Uint8Array(24).fill(2);
      const m = new Uint8Array(100).fill(3);
      const ad = new Uint8Array(10).fill(4);
      const c = C.seal(key, nonce, m, ad);
      C.open(key, nonce, c, ad);
      expect([key, nonce, m, ad].map((b) => new Set(b).size)).toEqual([1, 1, 1, 1]);
      expect([key[0], nonce[0], m[0], ad[0]]).toEqual([1, 2, 3, 4]);
    });

    it("refuses keys other than 32 bytes and nonces other than 24 bytes", () => {
      const m = new Uint8Array(5);
      for (const [k, n] of [
        [31, 24],
        [33, 24],
        [32, 23],
        [32, 25],
        [32, 12],
        [0, 24],
      ] as const) {
        expect(() => C.seal(new Uint8Array(k), new Uint8Array(n), m, m)).toThrow(RangeError);
        expect(() => C.open(new Uint8Array(k), new Uint8Array(n), new Uint8Array(40), m)).toThrow(RangeError);
      }
    });
  });

  describe("open returns null for anything but the exact inputs", () => {
    const key = fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const nonce = fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7");
    const ad = new TextEncoder().encode("otp-vault/v1/slot\0header");
    const m = new TextEncoder().encode("the master key, 32 bytes long!!!");
    let sealed: Uint8Array;
    beforeAll(() => {
      sealed = C.seal(key, nonce, m, ad);
    });

    it("opens the untouched inputs", () => {
      expect(C.open(key, nonce, sealed, ad)).toEqual(m);
    });

    it("null on every flipped bit of the ciphertext and of the tag", () => {
      let nulls = 0;
      for (let bit = 0; bit < sealed.length * 8; bit++) if (C.open(key, nonce, flipBit(sealed, bit), ad) === null) nulls++;
      expect(nulls).toBe(sealed.length * 8);
    });

    it("null on every flipped bit of the nonce, the ad and the key", () => {
      let tried = 0;
      for (let bit = 0; bit < nonce.length * 8; bit++, tried++)
        expect(C.open(key, flipBit(nonce, bit), sealed, ad), `nonce bit ${bit}`).toBeNull();
      for (let bit = 0; bit < ad.length * 8; bit++, tried++)
        expect(C.open(key, nonce, sealed, flipBit(ad, bit)), `ad bit ${bit}`).toBeNull();
      for (let bit = 0; bit < key.length * 8; bit++, tried++)
        expect(C.open(flipBit(key, bit), nonce, sealed, ad), `key bit ${bit}`).toBeNull();
      expect(tried).toBe((24 + ad.length + 32) * 8);
    });

    it("null for a truncated, extended or empty ciphertext, and for missing or extra ad", () => {
      for (let n = 0; n < sealed.length; n++) expect(C.open(key, nonce, sealed.subarray(0, n), ad), `cut at ${n}`).toBeNull();
      expect(C.open(key, nonce, new Uint8Array([...sealed, 0]), ad)).toBeNull();
      expect(C.open(key, nonce, sealed, new Uint8Array(0))).toBeNull();
      expect(C.open(key, nonce, sealed, new Uint8Array([...ad, 0]))).toBeNull();
    });

    it("an empty plaintext still authenticates (16-byte tag only)", () => {
      const c = C.seal(key, nonce, new Uint8Array(0), ad);
      expect(c.length).toBe(16);
      expect(C.open(key, nonce, c, ad)).toEqual(new Uint8Array(0));
      expect(C.open(key, nonce, flipBit(c, 0), ad)).toBeNull();
    });
  });

  describe("BLAKE2b-512 equals crypto_generichash(64, m)", () => {
    it("the empty message's known digest", () => {
      const want =
        "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce";
      expect(hex(sodium.crypto_generichash(64, new Uint8Array(0), null))).toBe(want);
      expect(hex(C.blake2b512(new Uint8Array(0)))).toBe(want);
    });
    it("random messages of many lengths (block edges at 128 bytes)", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            anyLength,
            fc.integer({ min: 126, max: 258 }).map((n) => new Uint8Array(n).fill(n)),
          ),
          (m) => {
            expect(hex(C.blake2b512(m))).toBe(hex(sodium.crypto_generichash(64, m, null)));
          },
        ),
        { seed: SEED + 2, numRuns: 300 },
      );
    });
  });

  describe('deriveSubkey is HKDF-SHA256(master key, salt = "", info = "otpvault/v1/<purpose>", 32)', () => {
    it("the HMAC reference itself passes RFC 5869 test case 3 (empty salt and info)", () => {
      const okm = hkdfReference(new Uint8Array(22).fill(0x0b), new Uint8Array(0), "", 42);
      expect(hex(okm)).toBe("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    });

    it("equals node's hkdfSync and the HMAC reference for random master keys", () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.constantFrom("payload", "session", "x", "ünïcode"),
          (mk, purpose) => {
            const ours = C.deriveSubkey(mk, purpose);
            expect(ours.length).toBe(32);
            expect(hex(ours)).toBe(Buffer.from(hkdfSync("sha256", mk, new Uint8Array(0), `otpvault/v1/${purpose}`, 32)).toString("hex"));
            expect(hex(ours)).toBe(hex(hkdfReference(mk, new Uint8Array(0), `otpvault/v1/${purpose}`, 32)));
          },
        ),
        { seed: SEED + 5, numRuns: 100 },
      );
    });

    it("differs per purpose and per master key, and is not the master key", () => {
      const mk = new Uint8Array(32).fill(9);
      const keys = ["payload", "recovery", "session", "payload2", "Payload", ""].map((p) => hex(C.deriveSubkey(mk, p)));
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).not.toContain(hex(mk));
      expect(hex(C.deriveSubkey(new Uint8Array(32).fill(8), "payload"))).not.toBe(keys[0]);
      expect(hex(C.deriveSubkey(mk, "payload"))).toBe(keys[0]);
    });
  });

  describe("HMAC-SHA256, HKDF-SHA256 and SHA-256 themselves", () => {
    const b = (h: string) => fromHex(h);
    it("HKDF passes RFC 5869's three SHA-256 test cases", () => {
      const cases = [
        {
          ikm: "0b".repeat(22),
          salt: "000102030405060708090a0b0c",
          info: "f0f1f2f3f4f5f6f7f8f9",
          okm: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        },
        {
          ikm: Array.from({ length: 80 }, (_, i) => i.toString(16).padStart(2, "0")).join(""),
          salt: Array.from({ length: 80 }, (_, i) => (0x60 + i).toString(16).padStart(2, "0")).join(""),
          info: Array.from({ length: 80 }, (_, i) => (0xb0 + i).toString(16).padStart(2, "0")).join(""),
          okm: "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
        },
        {
          ikm: "0b".repeat(22),
          salt: "",
          info: "",
          okm: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        },
      ];
      for (const t of cases) expect(hex(C.hkdfSha256(b(t.ikm), b(t.salt), b(t.info), t.okm.length / 2))).toBe(t.okm);
    });

    it("HKDF equals Node's hkdfSync for random inputs and lengths", () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 100 }),
          fc.uint8Array({ maxLength: 64 }),
          fc.uint8Array({ maxLength: 100 }),
          fc.integer({ min: 1, max: 200 }),
          (ikm, salt, info, n) => {
            expect(hex(C.hkdfSha256(ikm, salt, info, n))).toBe(Buffer.from(hkdfSync("sha256", ikm, salt, info, n)).toString("hex"));
          },
        ),
        { seed: SEED + 6, numRuns: 200 },
      );
    });

    it("HMAC-SHA256 and HMAC-SHA512 equal Node's createHmac, SHA-256 and SHA-512 its createHash (parts concatenated, keys past the block)", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 260 }), fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), (key, parts) => {
          const all = Buffer.concat(parts);
          expect(hex(C.hmacSha256(key, ...parts))).toBe(createHmac("sha256", key).update(all).digest("hex"));
          expect(hex(C.hmac(C.SHA512, key, ...parts))).toBe(createHmac("sha512", key).update(all).digest("hex"));
          expect(hex(C.sha256(...parts))).toBe(createHash("sha256").update(all).digest("hex"));
          expect(hex(C.sha512(...parts))).toBe(createHash("sha512").update(all).digest("hex"));
        }),
        { seed: SEED + 7, numRuns: 200 },
      );
    });
  });

  describe("segmentCipher: segment j is XChaCha20-Poly1305 under the nonce with j XORed into its last 8 bytes", () => {
    it("equals libsodium's encrypt under that nonce, both ways, and leaves its inputs alone", () => {
      const key = new Uint8Array(32).fill(5);
      const nonce = Buffer.from(Array.from({ length: 24 }, (_, i) => i * 7));
      const before = hex(nonce);
      const c = C.segmentCipher(key, nonce);
      for (const j of [0, 1, 2, 255, 256, 0xffffffff, 0x100000000, 2 ** 40 + 3]) {
        const n = new Uint8Array(nonce);
        const v = new DataView(n.buffer);
        v.setBigUint64(16, v.getBigUint64(16, true) ^ BigInt(j), true);
        const m = textOf(`segment ${j}`);
        const ad = textOf(`ad ${j}`);
        const sealed = c.seal(j, m, ad);
        expect(hex(sealed), `j = ${j}`).toBe(hex(sodiumSeal(key, n, m, ad)));
        expect(c.open(j, sealed, ad)).toEqual(m);
        expect(c.open(j + 1, sealed, ad)).toBeNull();
      }
      expect(hex(nonce)).toBe(before);
      c.wipe();
      expect(key[0]).toBe(5);
    });
  });

  it("equalSecret: true only for the same bytes; false, not a throw, for other lengths", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (a, at) => {
        expect(C.equalSecret(a, new Uint8Array(a))).toBe(true);
        expect(C.equalSecret(a, flipBit(a, at % (a.length * 8)))).toBe(false);
        expect(C.equalSecret(a, a.subarray(1))).toBe(false);
      }),
      { seed: SEED + 8, numRuns: 100 },
    );
    expect(C.equalSecret(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it("random bytes: the length asked for, and not all alike", () => {
    expect(C.randomBytes(0).length).toBe(0);
    const r = C.randomBytes(64);
    expect(r.length).toBe(64);
    expect(new Set(r).size).toBeGreaterThan(16);
    expect(hex(C.randomBytes(32))).not.toBe(hex(C.randomBytes(32)));
  });
});
