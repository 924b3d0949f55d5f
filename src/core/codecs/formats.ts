// The import formats, as one light list: the --format name, a title for help, and load() for
// the codec. `otp import --help`, --format's choices, the shell completions and the README's
// table (test/unit/core/codecs/formats.test.ts) all come from here. The list is on every
// command's start-up path (cli/program.ts reads it), so it holds no codec: each loads only when
// an import runs (docs/startup.md), and heavy libraries later still, inside decode().
//
// The order is the order `--format auto` tries them (core/codecs/index.ts): the first codec
// whose sniff() accepts the input decodes it. Strict sniffers first, the loose plain-text ones
// last, the URI list always last. Help and the README list them by name.
import type { Codec } from "./types.js";

export interface ImportFormat {
  /** the --format value, also the codec's own name */
  name: string;
  /** a few words for --help, at most 78 characters: "Aegis vault or export (plain or encrypted)" */
  title: string;
  load(): Promise<Codec>;
}

export const IMPORT_FORMATS: readonly ImportFormat[] = [
  // binary containers, by their magic bytes
  {
    name: "authenticator-plus",
    title: "Authenticator Plus backup (password-protected .zip)",
    load: () => import("./authenticator-plus.js").then((m) => m.authenticatorPlusCodec),
  },
  {
    name: "freeotp2",
    title: "FreeOTP 2.x encrypted backup (externalBackup.xml)",
    load: () => import("./freeotp2.js").then((m) => m.freeotp2Codec),
  },
  {
    name: "ga-db",
    title: "Google Authenticator for Android database (SQLite)",
    load: () => import("./google-authenticator-db.js").then((m) => m.googleAuthenticatorDbCodec),
  },
  {
    name: "microsoft",
    title: "Microsoft Authenticator for Android database (PhoneFactor, SQLite)",
    load: () => import("./microsoft-authenticator.js").then((m) => m.microsoftAuthenticatorCodec),
  },
  {
    name: "stratum",
    title: "Stratum / Authenticator Pro backup (plain, encrypted, legacy) or .db3",
    load: () => import("./stratum.js").then((m) => m.stratumCodec),
  },
  // JSON, by their shape
  {
    name: "otpvault",
    title: "otp's own JSON export (otp export --format json)",
    load: () => import("./otpvault-json.js").then((m) => m.otpvaultJsonCodec),
  },
  { name: "aegis", title: "Aegis vault or export (plain or encrypted)", load: () => import("./aegis.js").then((m) => m.aegisCodec) },
  {
    name: "2fas",
    title: "2FAS Authenticator backup (.2fas, plain or encrypted)",
    load: () => import("./twofas.js").then((m) => m.twofasCodec),
  },
  {
    name: "andotp",
    title: "andOTP backup (plain .json, or encrypted .json.aes, old and new)",
    load: () => import("./andotp.js").then((m) => m.andotpCodec),
  },
  {
    name: "bitwarden",
    title: "Bitwarden unencrypted export (.json or .csv)",
    load: () => import("./bitwarden.js").then((m) => m.bitwardenCodec),
  },
  { name: "duo", title: "Duo Mobile accounts.json", load: () => import("./duo.js").then((m) => m.duoCodec) },
  { name: "proton", title: "Proton Authenticator JSON export", load: () => import("./proton.js").then((m) => m.protonCodec) },
  {
    name: "steam",
    title: "Steam Guard secrets (Steam app or SDA .maFile JSON)",
    load: () => import("./steam.js").then((m) => m.steamCodec),
  },
  // Android preference files, by their keys
  {
    name: "authy",
    title: "Authy for Android token file (plain or with a backup password)",
    load: () => import("./authy.js").then((m) => m.authyCodec),
  },
  {
    name: "battle-net",
    title: "Battle.net Authenticator for Android preferences file",
    load: () => import("./battle-net.js").then((m) => m.battleNetCodec),
  },
  {
    name: "freeotp",
    title: "FreeOTP 1.x or FreeOTP+ tokens.xml, or FreeOTP+ JSON export",
    load: () => import("./freeotp.js").then((m) => m.freeotpCodec),
  },
  {
    name: "totp-authenticator",
    title: "TOTP Authenticator backup (base64, encrypted) or its preferences file",
    load: () => import("./totp-authenticator.js").then((m) => m.totpAuthenticatorCodec),
  },
  // no sniff of their own (binary, bare base64, or a URI list read another way): --format names them
  {
    name: "pass-otp",
    title: "pass-otp's otpauth:// URIs (HOTP counters plus one)",
    load: () => import("./uri-list.js").then((m) => m.passOtpCodec),
  },
  // text: migration URIs, Ente's URIs with codeDisplay, then any URI list (always last)
  {
    name: "ga",
    title: "Google Authenticator's transfer codes as otpauth-migration:// URIs",
    load: () => import("./migration-text.js").then((m) => m.migrationTextCodec),
  },
  {
    name: "ente",
    title: "Ente Auth plain export (otpauth:// URIs with codeDisplay)",
    load: () => import("./ente.js").then((m) => m.enteCodec),
  },
  { name: "uri", title: "otpauth:// URIs, one per line", load: () => import("./uri-list.js").then((m) => m.uriListCodec) },
];
