// Authenticator Plus backups: a password-protected ZIP (traditional PKWARE encryption) whose
// Accounts.txt lists otpauth:// URIs, one per line. Read with adm-zip, loaded on demand.
// Zip bombs: the member count is checked before adm-zip parses the directory, and the size
// Accounts.txt declares (and its ratio to the packed size) before anything is unpacked; a
// header that lies is held to what it declared, since adm-zip ≥ 0.6 inflates with that as
// zlib's maxOutputLength (test/unit/core/codecs/unpack-caps.test.ts keeps it so).
import { InputError } from "../errors.js";
import { MAX_ZIP_MEMBERS, checkUnpacked } from "../limits.js";
import { loadPackage } from "../load.js";
import type { Codec, ImportSource } from "./types.js";
import { utf8 } from "./bytes.js";
import { damaged } from "./input.js";
import { withPassword } from "./password.js";
import { parseUriList } from "./uri-list.js";

type AdmZip = typeof import("adm-zip");
const WHAT = "Authenticator Plus backup";

const isZip = (b: Uint8Array) => b.length > 30 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export const authenticatorPlusCodec: Codec = {
  name: "authenticator-plus",
  sniff: (src: ImportSource) => isZip(src.bytes) && new TextDecoder("latin1").decode(src.bytes.subarray(0, 4096)).includes("Accounts.txt"),
  async decode(src, helpers) {
    const mod = await loadPackage<AdmZip & { default?: AdmZip }>("adm-zip");
    const Zip = (mod.default ?? mod) as AdmZip;
    let entry: import("adm-zip").IZipEntry | undefined;
    let zip: InstanceType<AdmZip>;
    if (centralHeaders(src.bytes) > MAX_ZIP_MEMBERS)
      throw new InputError(
        "too-large",
        `${src.name}: the ZIP lists more than ${MAX_ZIP_MEMBERS} files; an Authenticator Plus backup holds a few`,
      );
    try {
      zip = new Zip(Buffer.from(src.bytes));
      entry = zip.getEntries().find((e) => e.entryName.split("/").pop() === "Accounts.txt");
    } catch {
      throw damaged(src, WHAT, "it is not a readable ZIP file");
    }
    if (!entry) throw damaged(src, WHAT, "the ZIP has no Accounts.txt");
    const e = entry;
    checkUnpacked(src.name, "its Accounts.txt", e.header.size, e.header.compressedSize);
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
    return parseUriList(utf8.decode(bytes), undefined, src.name);
  },
};

/** How many central-directory signatures the bytes hold: at least as many as the members adm-zip will parse. */
function centralHeaders(b: Uint8Array): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const sig = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  let n = 0;
  for (let at = buf.indexOf(sig); at >= 0 && n <= MAX_ZIP_MEMBERS; at = buf.indexOf(sig, at + 4)) n++;
  return n;
}
