// One headless Chromium (Debian's chromium) for many prints, driven over the DevTools protocol
// on a pipe (--remote-debugging-pipe: the browser reads commands on fd 3 and writes replies and
// events on fd 4, each a JSON message ended by a NUL byte). Starting Chromium takes seconds on a
// small machine; printing a page in a browser already open takes a fraction of that.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

type Result = Record<string, unknown>;
interface Message {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Result;
  result?: Result;
  error?: { message: string };
}

/** A command or an awaited event gets this long before the print fails with a clear message. */
const TIMEOUT_MS = 60_000;

export class Chromium {
  private nextId = 0;
  private readonly waiting = new Set<{ match: (m: Message) => boolean; settle: (m: Message | Error) => void }>();
  private stderr = "";
  private died: Error | undefined;
  private readonly exited: Promise<void>;
  private page: Promise<string> | undefined;
  /** The loaderIds of the documents that have fired their load event. */
  private readonly loads = new Set<unknown>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    child.stderr!.on("data", (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    let buffered = Buffer.alloc(0);
    (child.stdio[4] as Readable).on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
        const m = JSON.parse(buffered.subarray(0, end).toString("utf8")) as Message;
        buffered = buffered.subarray(end + 1);
        if (m.method === "Page.lifecycleEvent" && m.params?.name === "load") this.loads.add(m.params.loaderId);
        for (const w of this.waiting) if (w.match(m)) w.settle(m);
      }
    });
    // a closed pipe (the browser gone) must not become an unhandled 'error' event
    (child.stdio[3] as Writable).on("error", () => {});
    this.exited = new Promise((resolve) => {
      const fail = (why: string) => {
        this.died ??= new Error(`chromium ${why}${this.stderr.trim() ? `; its last output:\n${this.stderr.trim()}` : ""}`);
        for (const w of this.waiting) w.settle(this.died);
        resolve();
      };
      child.on("error", (e) => fail(`could not be started: ${e.message}`));
      child.on("exit", (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    });
  }

  /** Starts Chromium with a fresh profile, nothing on the network, no sandbox (containers). */
  static launch(): Chromium {
    const profile = mkdtempSync(join(tmpdir(), "otp-chromium-"));
    const args = [
      "--headless",
      "--remote-debugging-pipe",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // the browser window's omnibox popup, a web page of its own that headless Chromium still
      // loads at start-up (~1.5 s of CPU here); it plays no part in printing
      "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
      `--user-data-dir=${profile}`,
      "about:blank",
    ];
    // its own process group, so close() can end the renderers too if the browser hangs
    const child = spawn("chromium", args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true });
    return new Chromium(child, profile);
  }

  /**
   * Opens `url` in the browser's one page, waits for its load event and prints it as
   * `--print-to-pdf` does (Chromium's headless_command.js): the page's @page size, backgrounds,
   * a tagged PDF, and Page.printToPDF's defaults otherwise (0.4 in margins, scale 1); with the
   * browser's header and footer (date, title, URL, page n/N) unless headerFooter is false.
   * Prints run one after another: they share the page.
   */
  printToPdf(url: string, o: { headerFooter: boolean }): Promise<Buffer> {
    const print = this.queue.then(() => this.print(url, o.headerFooter));
    this.queue = print.catch(() => {});
    return print;
  }

  private async print(url: string, headerFooter: boolean): Promise<Buffer> {
    // One page for every print: a new one per print (as --print-to-pdf opens) costs a third of
    // a second more and prints the same; each navigation loads a fresh document anyway.
    this.page ??= this.openPage();
    const sessionId = await this.page;
    const nav = await this.send("Page.navigate", { url }, sessionId);
    if (nav.errorText) throw new Error(`chromium could not open ${url}: ${String(nav.errorText)}`);
    // the load of this navigation's document (its loaderId), not of the one before; it may have
    // come in the same read as the reply to Page.navigate, so it is looked up, not awaited
    if (!this.loads.has(nav.loaderId)) await this.next(() => this.loads.has(nav.loaderId), `loading ${url}`);
    const { data } = await this.send(
      "Page.printToPDF",
      { displayHeaderFooter: headerFooter, generateTaggedPDF: true, printBackground: true, preferCSSPageSize: true },
      sessionId,
    );
    return Buffer.from(data as string, "base64");
  }

  /** A blank page to print from; its session's id. */
  private async openPage(): Promise<string> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = (await this.send("Target.attachToTarget", { targetId, flatten: true })) as { sessionId: string };
    await this.send("Page.enable", {}, sessionId);
    await this.send("Page.setLifecycleEventsEnabled", { enabled: true }, sessionId);
    return sessionId;
  }

  /** Ends the browser (politely, then by force) and removes its profile. */
  async close(): Promise<void> {
    if (!this.died) {
      void this.send("Browser.close").catch(() => {});
      const timer = setTimeout(() => this.kill(), 10_000);
      await this.exited;
      clearTimeout(timer);
    } else this.kill(); // a browser that crashed may leave its renderers behind
    rmSync(this.profile, { recursive: true, force: true });
  }

  private kill(): void {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      // the group is already gone
    }
  }

  private async send(method: string, params: Result = {}, sessionId?: string): Promise<Result> {
    const id = ++this.nextId;
    const reply = this.next((m) => m.id === id, method);
    (this.child.stdio[3] as Writable).write(JSON.stringify({ id, method, params, sessionId }) + "\0");
    const m = await reply;
    if (m.error) throw new Error(`chromium: ${method} failed: ${m.error.message}`);
    return m.result ?? {};
  }

  /** The next message that matches, or an error when the browser dies or says nothing in time. */
  private next(match: (m: Message) => boolean, what: string): Promise<Message> {
    if (this.died) return Promise.reject(this.died);
    return new Promise((resolve, reject) => {
      const w = {
        match,
        settle: (m: Message | Error) => {
          this.waiting.delete(w);
          clearTimeout(timer);
          if (m instanceof Error) reject(m);
          else resolve(m);
        },
      };
      const timer = setTimeout(() => w.settle(new Error(`chromium: no answer to ${what} within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
      timer.unref();
      this.waiting.add(w);
    });
  }
}
