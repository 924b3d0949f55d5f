// io/bounded-read: the byte cap on whole inputs, and the first-line reader that stops at the
// line (never waiting for the end of input) and caps a line that never ends.
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readAllCapped, readFirstLine } from "../../../src/io/bounded-read.js";
import { sizeName } from "../../../src/core/limits.js";

/** A stream that never ends: 64 KiB chunks of zeros, for as long as anyone reads. */
function endless(): { stream: Readable; produced: () => number } {
  let produced = 0;
  const stream = new Readable({
    read() {
      produced += 65536;
      this.push(Buffer.alloc(65536));
    },
  });
  return { stream, produced: () => produced };
}

describe("readAllCapped", () => {
  it("returns everything up to the cap", async () => {
    const bytes = await readAllCapped(Readable.from([Buffer.from("abc"), Buffer.from("def")]), 6, "x");
    expect(Buffer.from(bytes).toString()).toBe("abcdef");
  });

  it("stops an endless input at the cap with an input error naming the limit", async () => {
    const { stream, produced } = endless();
    await expect(readAllCapped(stream, 1024 * 1024, "standard input")).rejects.toMatchObject({
      name: "InputError",
      kind: "input-too-large",
      message: "standard input is larger than 1 MiB",
    });
    expect(stream.destroyed).toBe(true);
    expect(produced()).toBeLessThan(4 * 1024 * 1024);
  });
});

describe("readFirstLine", () => {
  const opts = { max: 64 * 1024, what: "standard input" };

  it("gives the first line without its line ending, also CRLF and a last line without one", async () => {
    expect(await readFirstLine(Readable.from(["pass", "word\r\nmore\n"]), opts)).toBe("password");
    expect(await readFirstLine(Readable.from(["only"]), opts)).toBe("only");
    expect(await readFirstLine(Readable.from([]), opts)).toBe("");
    expect(await readFirstLine(Readable.from(["\nsecond\n"]), opts)).toBe("");
  });

  it("skipBlank: the first line with something on it", async () => {
    expect(await readFirstLine(Readable.from(["\n  \r\n", "\n  ABC \n"]), { ...opts, skipBlank: true })).toBe("  ABC ");
    expect(await readFirstLine(Readable.from(["\n \n"]), { ...opts, skipBlank: true })).toBe("");
  });

  it("returns as soon as the line is in, with the input still open, and stops reading", async () => {
    const input = new PassThrough();
    input.write("secret\n");
    expect(await readFirstLine(input, opts)).toBe("secret");
    expect(input.destroyed).toBe(true);
  });

  it("keepOpen: the rest stays readable for whoever reads next (a prompt on a terminal)", async () => {
    const input = new PassThrough();
    input.end("first\nsecond\n");
    expect(await readFirstLine(input, { ...opts, keepOpen: true })).toBe("first");
    expect(input.destroyed).toBe(false);
    let rest = "";
    for await (const c of input) rest += c;
    expect(rest).toBe("second\n");
  });

  it("stops a line that never ends at the cap, naming the limit", async () => {
    const { stream, produced } = endless();
    await expect(readFirstLine(stream, { ...opts, hint: "one password" })).rejects.toMatchObject({
      kind: "input-too-large",
      message: "the first line of standard input is longer than 64 KiB",
      hints: ["one password"],
    });
    expect(stream.destroyed).toBe(true);
    expect(produced()).toBeLessThan(1024 * 1024);
  });

  it("refuses a line over the cap even when its end arrived with it", async () => {
    await expect(readFirstLine(Readable.from(["x".repeat(2000) + "\n"]), { ...opts, max: 1000 })).rejects.toMatchObject({
      kind: "input-too-large",
    });
    expect(await readFirstLine(Readable.from(["x".repeat(1000) + "\n"]), { ...opts, max: 1000 })).toHaveLength(1000);
  });

  it("oneLine: more text that came with the line is refused, blank lines after it are not", async () => {
    await expect(readFirstLine(Readable.from(["AAAA BBBB\nCCCC DDDD\n"]), { ...opts, oneLine: "one secret" })).rejects.toMatchObject({
      kind: "several-lines",
      message: "standard input holds more than one line",
      hints: ["one secret"],
    });
    expect(await readFirstLine(Readable.from(["AAAA\n\n \n"]), { ...opts, oneLine: "one secret" })).toBe("AAAA");
  });

  it("passes a read error on", async () => {
    const input = new PassThrough();
    const p = readFirstLine(input, opts);
    input.destroy(new Error("EIO"));
    await expect(p).rejects.toThrow("EIO");
  });
});

describe("sizeName", () => {
  it("names limits as people read them", () => {
    expect([sizeName(16 * 1024 * 1024), sizeName(64 * 1024), sizeName(1000), sizeName(2.5 * 2 ** 30), sizeName(1536)]).toEqual([
      "16 MiB",
      "64 KiB",
      "1000 bytes",
      "2560 MiB",
      "1.5 KiB",
    ]);
  });
});
