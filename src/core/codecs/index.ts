// The registry of import formats, in the order `--format auto` tries them: the first codec
// whose sniff() accepts the input decodes it. Keep strict sniffers first and the loose
// plain-text ones (the URI list) last. Codecs that need a heavy library load it inside
// decode(), through loadPackage(), so none of it is on `otp code`'s start-up path.
import { InputError } from "../errors.js";
import type { Codec, ImportSource } from "./types.js";
import { migrationTextCodec } from "./migration-text.js";
import { passOtpCodec, uriListCodec } from "./uri-list.js";
import { aegisCodec } from "./aegis.js";
import { andotpCodec } from "./andotp.js";
import { authenticatorPlusCodec } from "./authenticator-plus.js";
import { authyCodec } from "./authy.js";
import { battleNetCodec } from "./battle-net.js";
import { bitwardenCodec } from "./bitwarden.js";
import { duoCodec } from "./duo.js";
import { enteCodec } from "./ente.js";
import { freeotpCodec } from "./freeotp.js";
import { freeotp2Codec } from "./freeotp2.js";
import { googleAuthenticatorDbCodec } from "./google-authenticator-db.js";
import { microsoftAuthenticatorCodec } from "./microsoft-authenticator.js";
import { otpvaultJsonCodec } from "./otpvault-json.js";
import { protonCodec } from "./proton.js";
import { isText, shapeHint } from "./sniff-hints.js";
import { steamCodec } from "./steam.js";
import { stratumCodec } from "./stratum.js";
import { totpAuthenticatorCodec } from "./totp-authenticator.js";
import { twofasCodec } from "./twofas.js";

export const CODECS: Codec[] = [
  // binary containers, by their magic bytes
  authenticatorPlusCodec, freeotp2Codec, googleAuthenticatorDbCodec, microsoftAuthenticatorCodec, stratumCodec,
  // JSON, by their shape
  otpvaultJsonCodec, aegisCodec, twofasCodec, andotpCodec, bitwardenCodec, duoCodec, protonCodec, steamCodec,
  // Android preference files, by their keys
  authyCodec, battleNetCodec, freeotpCodec, totpAuthenticatorCodec,
  // no sniff of their own (binary, bare base64, or a URI list read another way): --format names them
  passOtpCodec,
  // text: migration URIs, Ente's URIs with codeDisplay, then any URI list (always last)
  migrationTextCodec, enteCodec,
  uriListCodec,
];

export function codecByName(name: string): Codec | undefined {
  return CODECS.find((c) => c.name === name);
}

/** The codec for --format NAME, or the first that recognises the input. Throws InputError (exit 2). */
export function pickCodec(src: ImportSource, format: string): Codec {
  if (format !== "auto") {
    const c = codecByName(format);
    if (!c) throw new InputError("unknown-format", `unknown import format "${format}"`);
    return c;
  }
  const c = CODECS.find((k) => k.sniff(src));
  if (c) return c;
  const hint = shapeHint(src);
  if (hint) throw new InputError("unknown-format", `${src.name}: ${hint}`, [`name its format with --format (one of: ${CODECS.map((k) => k.name).join(", ")})`]);
  // Text that no format claims is read as a URI list, which reports each bad line by number.
  if (isText(src.bytes)) return uriListCodec;
  throw new InputError("unknown-format", `${src.name}: not a format otp can import`, [`name it with --format (one of: ${CODECS.map((k) => k.name).join(", ")})`]);
}

