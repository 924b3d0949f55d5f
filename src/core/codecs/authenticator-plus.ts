// Authenticator Plus backups: a password-protected ZIP (traditional PKWARE encryption) whose
// Accounts.txt lists otpauth:// URIs, one per line. Read with adm-zip, loaded on demand.
import { loadPackage } from "../load.js";
import type { Codec, ImportSource } from "./types.js";
import { damaged, utf8, withPassword } from "./shared.js";
import { parseUriList } from "./uri-list.js";

type AdmZip = typeof import("adm-zip");
const WHAT = "Authenticator Plus backup";

const isZip = (b: Uint8Array) => b.length > 30 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export const authenticatorPlusCodec: Codec = {
  name: "authenticator-plus",
  title: "Authenticator Plus backup (password-protected .zip)",
  sniff: (src: ImportSource) => isZip(src.bytes) && new TextDecoder("latin1").decode(src.bytes.subarray(0, 4096)).includes("Accounts.txt"),
  async decode(src, helpers) {
    const mod = await loadPackage<AdmZip & { default?: AdmZip }>("adm-zip");
    const Zip = (mod.default ?? mod) as AdmZip;
    let entry: import("adm-zip").IZipEntry | undefined;
    let zip: InstanceType<AdmZip>;
    try {
      zip = new Zip(Buffer.from(src.bytes));
      entry = zip.getEntries().find((e) => e.entryName.split("/").pop() === "Accounts.txt");
    } catch {
      throw damaged(src, WHAT, "it is not a readable ZIP file");
    }
    if (!entry) throw damaged(src, WHAT, "the ZIP has no Accounts.txt");
    const e = entry;
    const read = (pw?: string): Buffer | undefined => {
      try {
        return zip.readFile(e, pw) ?? undefined;
      } catch (err) {
        if (/wrong password/i.test(String((err as Error).message))) return undefined;
        throw damaged(src, WHAT, "its Accounts.txt does not unpack (damaged or truncated)");
      }
    };
    const bytes = e.header.encrypted ? await withPassword(helpers, `${src.name} (Authenticator Plus)`, (pw) => read(pw)) : read();
    if (!bytes) throw damaged(src, WHAT, "its Accounts.txt does not unpack");
    return parseUriList(utf8.decode(bytes));
  },
};
