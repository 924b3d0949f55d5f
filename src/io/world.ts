// The outside world as a command reaches it: the vault file and its lock, sessions, prompts,
// the clipboard, git, other files, images, QR codes and the live terminal. Commands get these
// through their Ctx (cli/context.ts) and import no adapter themselves, so a test can run a
// command in-process with fakes (test/helpers/fake-world.ts), as the GitHub CLI hands each
// command its IO and clients. Each part loads its module on first use: `otp code` starts
// without git's child_process, the prompts or the image reader (docs/startup.md).
import { existsSync, promises as fsp, readFileSync, realpathSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import type { Matchable } from "../core/match.js";
import type { Key } from "../core/keys.js";
import type { QrMatrix, QrOptions } from "../core/qr-matrix.js";
import type { GitResult } from "../core/git-output.js";
import type { Finding } from "../core/audit.js";
import { snapshotDir, type Env } from "./paths.js";
import type { FileIdentity, ReadResult, VaultRanges } from "./vault-file.js";
import type { SessionVault } from "./session.js";
import type { Clipboard, ClipboardTool } from "./clipboard.js";
import type { LineOptions, RegularFile } from "./bounded-read.js";
import type { LiveTerminal } from "./live-terminal.js";

/** The vault file: read, locked, replaced atomically (io/vault-file.ts, docs/locking.md). */
export interface VaultFiles {
  read(path: string): Promise<ReadResult>;
  /** the same checks as read, then only the ranges asked for (`otp code` with a session) */
  openRanges(path: string): Promise<VaultRanges>;
  withLock<T>(vault: string, fn: (stillHeld: () => void, realPath: string) => Promise<T>): Promise<T>;
  /** writes under the lock (or a new file: expect null); returns warnings to show */
  writeAtomic(path: string, bytes: Uint8Array, expect: FileIdentity | null, stillHeld?: () => void): Promise<string[]>;
  /** where the snapshots of this vault are kept */
  snapshotDir(vault: string): string;
}

/** Sessions (`otp unlock`), in the user's session folder (io/session.ts). */
export interface Sessions {
  open(value: string, vault: SessionVault, nowMs: number, vaultFile?: string): Promise<Uint8Array>;
  create(vault: SessionVault, masterKey: Uint8Array, expiresAtMs: number, nowMs: number, vaultFile: string): Promise<string>;
  /** ends this vault file's sessions; returns how many */
  remove(vaultId: string, vaultFile: string): Promise<number>;
}

/** Questions on the terminal (io/prompts.ts, io/paste.ts). Each throws on Ctrl-C (exit 130). */
export interface Prompts {
  secret(message: string): Promise<string>;
  /** hidden input checked before the prompt ends; see io/prompts.ts askSecretChecked */
  secretChecked<T>(
    message: string,
    check: (answer: string) => Promise<T>,
    retry: (err: unknown, attempt: number) => string | null,
    warn: (msg: string) => void,
  ): Promise<T>;
  text(message: string, initial?: string, validate?: (answer: string) => true | string): Promise<string>;
  confirm(message: string, initial?: boolean): Promise<boolean>;
  pick<T extends Matchable>(message: string, candidates: T[]): Promise<T>;
  /** several pasted lines, ended by an empty line */
  lines(message: string): Promise<string>;
}

/** The system clipboard (io/clipboard.ts). */
export interface ClipboardPort {
  /** the clipboard this environment offers; throws OtpError `clipboard-unavailable` */
  choose(): Promise<Clipboard>;
  copy(board: Clipboard, text: string): Promise<void>;
  /** a detached helper clears the clipboard after `seconds` if it still holds `text` */
  scheduleClear(board: ClipboardTool, text: string, seconds: number): Promise<void>;
  /** whether the controlling terminal can be written (OSC 52 over SSH) */
  canOpenTty(): Promise<boolean>;
}

/** git, run without a shell in a clean environment (io/git.ts). */
export interface GitPort {
  run(dir: string, args: string[], o?: GitRunOptions): Promise<GitResult>;
}

export interface GitRunOptions {
  network?: boolean;
  allowFail?: boolean;
  /** for network runs: the user's core.sshCommand ("" for none), when the caller has read it already */
  sshCommand?: string;
}

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

/** Files other than the vault: inputs, outputs, the sync repository's own files. */
export interface Files {
  exists(path: string): boolean;
  /** stat (following links), or null when it cannot be had (nothing there, no permission) */
  stat(path: string): Promise<FileStat | null>;
  /** lstat, or null: a dangling link is something */
  lstat(path: string): Promise<FileStat | null>;
  /** stat at once, or null (the live view checks the vault between frames) */
  statNow(path: string): FileStat | null;
  realpath(path: string): string;
  /** at most `max` bytes, else InputError `input-too-large`; `what` names the file in messages */
  readCapped(path: string, max: number, what: string): Promise<Uint8Array>;
  /** the first line of a file, capped (password files) */
  readFirstLine(path: string, opts: Omit<LineOptions, "keepOpen" | "max"> & { max?: number }): Promise<string>;
  /** a small file's text (git's and otp's own files), or null when it does not exist */
  readText(path: string): Promise<string | null>;
  readTextNow(path: string): string | null;
  readBytes(path: string): Promise<Uint8Array>;
  /** a regular file of at most `max` bytes, opened without blocking on a FIFO or device (backups); errno errors are thrown */
  readRegular(path: string, max: number): Promise<RegularFile | "not-regular" | "too-large">;
  writeText(path: string, text: string, mode?: number): Promise<void>;
  writeBytes(path: string, bytes: Uint8Array): Promise<void>;
  /** a file the user asked for (--output, --png): private, never over the vault, --force to replace */
  writeOutput(path: string, bytes: Uint8Array, opts: { force: boolean; vault: string }): Promise<void>;
  mkdir(path: string, o?: { mode?: number; recursive?: boolean }): Promise<void>;
  remove(path: string): Promise<void>;
  /** the system's folder for temporary files */
  tempDir(): string;
}

/** QR codes: images read (io/qr-image.ts), codes made (io/qr-encode.ts). */
export interface QrPort {
  readImage(bytes: Uint8Array, name: string): Promise<string[]>;
  matrix(text: string, o?: QrOptions): Promise<QrMatrix>;
  /** the encoder, loaded once: for sizing many candidate codes */
  encoder(): Promise<{ matrix(text: string, o?: QrOptions): QrMatrix }>;
  png(text: string, o?: QrOptions & { scale?: number }): Promise<Uint8Array>;
}

/** The terminals otp runs on, beyond the Ctx's line writers. */
export interface TerminalPort {
  /** the window standard output is on; 80×24 when the terminal does not say */
  window(): { columns: number; rows: number };
  /** the width of the terminal standard error is on; 80 when it does not say */
  errColumns(): number;
  /** raw text on standard error: a status line redrawn in place with \r */
  status(text: string): void;
  /** the full-screen view's terminal (raw mode, alternate screen), put back on any exit */
  live(onKey: (key: Key) => void, onResize: () => void, onResume: () => void): Promise<LiveTerminal>;
}

/** The running process: a spinner, signals held off, how otp itself is started. */
export interface ProcessPort {
  /** runs fn; on a terminal (`on`) a spinner shows `message` if it takes over 300 ms */
  spinner<T>(on: boolean, message: string, fn: () => Promise<T>): Promise<T>;
  /** runs fn with Ctrl-C and SIGTERM held until it ends (a write is never cut in half) */
  critical<T>(fn: () => Promise<T>): Promise<T>;
  /** node and otp's launcher, by absolute paths: how git starts otp (merge driver, hooks) */
  selfCommand(): [string, string];
  /** the permission and placement findings of `otp audit` about the vault's files */
  fileFindings(vaultPath: string, nowMs: number): Promise<{ findings: Finding[]; blocking: boolean }>;
}

export interface World {
  vaultFile: VaultFiles;
  sessions: Sessions;
  prompts: Prompts;
  clipboard: ClipboardPort;
  git: GitPort;
  files: Files;
  qr: QrPort;
  terminal: TerminalPort;
  process: ProcessPort;
}

const toStat = (s: import("node:fs").Stats): FileStat => ({
  isFile: s.isFile(),
  isDirectory: s.isDirectory(),
  size: s.size,
  mtimeMs: s.mtimeMs,
  dev: s.dev,
  ino: s.ino,
});
const missingAsNull = (err: unknown) => {
  if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return null;
  throw err;
};

/** The real world, for the user's environment `env`. */
export function realWorld(env: Env): World {
  const vaultFile = () => import("./vault-file.js");
  const session = () => import("./session.js");
  const prompts = () => import("./prompts.js");
  const clipboard = () => import("./clipboard.js");
  const bounded = () => import("./bounded-read.js");
  const qrEncode = () => import("./qr-encode.js");
  return {
    vaultFile: {
      read: async (path) => (await vaultFile()).readVaultFile(path),
      openRanges: async (path) => (await vaultFile()).openVaultRanges(path),
      withLock: async (vault, fn) => (await vaultFile()).withLock(vault, fn),
      writeAtomic: async (path, bytes, expect, stillHeld) => (await vaultFile()).writeVaultAtomic(path, bytes, expect, stillHeld),
      snapshotDir: (vault) => snapshotDir(vault),
    },
    sessions: {
      open: async (value, vault, nowMs, file) => (await session()).openSession(env, value, vault, nowMs, file),
      create: async (vault, key, expires, nowMs, file) => (await session()).createSession(env, vault, key, expires, nowMs, file),
      remove: async (vaultId, file) => (await session()).removeSessions(env, vaultId, file),
    },
    prompts: {
      secret: async (m) => (await prompts()).askSecret(m),
      secretChecked: async (m, check, retry, warn) => (await prompts()).askSecretChecked(m, check, retry, warn),
      text: async (m, initial, validate) => (await prompts()).askText(m, initial, validate),
      confirm: async (m, initial) => (await prompts()).askConfirm(m, initial),
      pick: async (m, candidates) => (await prompts()).askPick(m, candidates),
      lines: async (m) => (await import("./paste.js")).askLines(m),
    },
    clipboard: {
      choose: async () => (await clipboard()).chooseClipboard(env),
      copy: async (board, text) => (await clipboard()).copyText(board, text, env),
      scheduleClear: async (board, text, seconds) => (await clipboard()).scheduleClear(board, text, seconds, env),
      canOpenTty: async () => (await clipboard()).canOpenTty(),
    },
    git: {
      run: async (dir, args, o = {}) => (await import("./git.js")).git(dir, args, { env, ...o }),
    },
    files: {
      exists: (path) => existsSync(path),
      stat: (path) => fsp.stat(path).then(toStat, () => null),
      lstat: (path) => fsp.lstat(path).then(toStat, () => null),
      statNow: (path) => {
        try {
          return toStat(statSync(path));
        } catch {
          return null;
        }
      },
      realpath: (path) => realpathSync(path),
      readCapped: async (path, max, what) => (await bounded()).readFileCapped(path, max, what),
      readFirstLine: async (path, opts) => (await bounded()).readFileFirstLine(path, opts),
      readText: (path) => fsp.readFile(path, "utf8").catch(missingAsNull),
      readTextNow: (path) => {
        try {
          return readFileSync(path, "utf8");
        } catch (err) {
          return missingAsNull(err);
        }
      },
      readBytes: async (path) => new Uint8Array(await fsp.readFile(path)),
      readRegular: async (path, max) => (await bounded()).readRegularFile(path, max),
      writeText: (path, text, mode) => fsp.writeFile(path, text, mode === undefined ? undefined : { mode }),
      writeBytes: (path, bytes) => fsp.writeFile(path, bytes),
      writeOutput: async (path, bytes, opts) => (await import("./output-file.js")).writeOutputFile(path, bytes, opts),
      mkdir: async (path, o = {}) => void (await fsp.mkdir(path, o)),
      remove: (path) => fsp.rm(path, { recursive: true, force: true }),
      tempDir: () => tmpdir(),
    },
    qr: {
      readImage: async (bytes, name) => (await import("./qr-image.js")).readQrCodes(bytes, name),
      matrix: async (text, o) => (await qrEncode()).qrMatrix(text, o),
      encoder: async () => (await qrEncode()).qrEncoder(),
      png: async (text, o) => (await qrEncode()).qrPng(text, o),
    },
    terminal: {
      window: () => ({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 }),
      errColumns: () => process.stderr.columns || 80,
      status: (text) => void process.stderr.write(text),
      live: async (onKey, onResize, onResume) => (await import("./live-terminal.js")).openLiveTerminal(onKey, onResize, onResume),
    },
    process: {
      spinner: async (on, message, fn) => (await import("./spinner.js")).withSpinner(on, message, fn),
      critical: async (fn) => (await import("./signals.js")).critical(fn),
      selfCommand: () => [process.execPath, resolve(process.argv[1] ?? "otp")],
      fileFindings: async (vaultPath, nowMs) => (await import("./file-audit.js")).fileFindings(vaultPath, nowMs),
    },
  };
}
