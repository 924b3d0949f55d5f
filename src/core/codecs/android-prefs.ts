// Android SharedPreferences files (shared_prefs/*.xml), where several apps keep their tokens:
// `<map>` holding `<string name="k">text</string>`, `<int|long|float|boolean name="k"
// value="v" />` and `<set name="k"><string>…</string></set>`. A small strict reader of that
// subset of XML (the prolog, comments, CDATA, the five entities and numeric references);
// anything else is refused rather than guessed at.

export type PrefValue = string | string[];

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    const v = ENTITIES[e];
    if (v === undefined) throw new Error("unknown entity");
    return v;
  });
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s))) {
    out[m[1]!] = unescape(m[3] ?? m[4] ?? "");
    at = re.lastIndex;
  }
  if (s.slice(at).trim() !== "") throw new Error("bad attributes");
  return out;
}

/** Text up to the closing tag `name`, with CDATA sections and entities resolved. */
function textUntil(xml: string, from: number, name: string): { text: string; end: number } {
  let text = "";
  let i = from;
  for (;;) {
    if (xml.startsWith("<![CDATA[", i)) {
      const e = xml.indexOf("]]>", i);
      if (e < 0) throw new Error("open CDATA");
      text += xml.slice(i + 9, e);
      i = e + 3;
      continue;
    }
    const lt = xml.indexOf("<", i);
    if (lt < 0) throw new Error(`no </${name}>`);
    text += unescape(xml.slice(i, lt));
    if (xml.startsWith("<![CDATA[", lt)) {
      i = lt;
      continue;
    }
    const close = new RegExp(`^</${name}\\s*>`).exec(xml.slice(lt, lt + name.length + 10));
    if (!close) throw new Error(`unexpected tag in <${name}>`);
    return { text, end: lt + close[0].length };
  }
}

/**
 * The key → value map of a SharedPreferences file, or null when the text is not one.
 * Values: strings as they are; ints, longs, floats and booleans as their text; sets as arrays.
 */
export function parseAndroidPrefs(xml: string): Map<string, PrefValue> | null {
  try {
    return parse(xml.replace(/^\uFEFF/, ""));
  } catch {
    return null;
  }
}

function parse(xml: string): Map<string, PrefValue> {
  let i = 0;
  const skip = () => {
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0].length;
      i += ws;
      if (xml.startsWith("<?", i)) i = must(xml.indexOf("?>", i)) + 2;
      else if (xml.startsWith("<!--", i)) i = must(xml.indexOf("-->", i)) + 3;
      else return;
    }
  };
  skip();
  const open = /^<map\s*(\/?)>/.exec(xml.slice(i));
  if (!open) throw new Error("no <map>");
  i += open[0].length;
  const out = new Map<string, PrefValue>();
  if (open[1] === "/") return out;
  for (;;) {
    skip();
    if (/^<\/map\s*>/.test(xml.slice(i))) {
      i = xml.indexOf(">", i) + 1;
      skip();
      if (i !== xml.length) throw new Error("text after </map>");
      return out;
    }
    const tag = /^<([a-z]+)((?:\s+[^>]*?)?)\s*(\/?)>/.exec(xml.slice(i));
    if (!tag) throw new Error("bad tag");
    const [whole, name, attrText, selfClosing] = tag;
    i += whole.length;
    const a = attrs(attrText ?? "");
    const key = a.name;
    if (key === undefined) throw new Error("no name");
    if (name === "string") {
      if (selfClosing) out.set(key, "");
      else {
        const t = textUntil(xml, i, "string");
        out.set(key, t.text);
        i = t.end;
      }
    } else if (name === "set") {
      const items: string[] = [];
      if (!selfClosing)
        for (;;) {
          skip();
          if (/^<\/set\s*>/.test(xml.slice(i))) {
            i = xml.indexOf(">", i) + 1;
            break;
          }
          const s = /^<string\s*>/.exec(xml.slice(i));
          if (!s) throw new Error("bad set");
          const t = textUntil(xml, i + s[0].length, "string");
          items.push(t.text);
          i = t.end;
        }
      out.set(key, items);
    } else if (["int", "long", "float", "boolean"].includes(name!) && selfClosing) {
      out.set(key, a.value ?? "");
    } else throw new Error("unknown element");
  }
}

function must(n: number): number {
  if (n < 0) throw new Error("unterminated");
  return n;
}

/** True when the bytes start like a SharedPreferences file and mention `needle` (cheap sniff). */
export function looksLikePrefs(bytes: Uint8Array, needle: string): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 512));
  if (!/^(\uFEFF)?\s*(<\?xml[^>]*\?>\s*)?<map[\s>/]/.test(head)) return false;
  return new TextDecoder().decode(bytes).includes(needle);
}
