// Google Authenticator exports as text: otpauth-migration:// URIs, one per line (what a QR
// scanner app gives for the "Transfer accounts" codes), also mixed with otpauth:// lines. The
// URI list reads both kinds; this codec is there so that such text is named for what it is and
// `--format ga` works.
import type { Codec } from "./types.js";
import { decodeUriText, firstLine } from "./uri-list.js";

export const migrationTextCodec: Codec = {
  name: "ga",
  // Text whose first meaningful line is a migration URI (maybe behind a scanner app's "QR-Code:").
  sniff: (src) => /^(?:[^\s:/]{1,20}:\s*)?otpauth-migration:\/\//i.test(firstLine(src.bytes) ?? ""),
  decode: (src) => decodeUriText(src),
};
