// Machines for the sync tests: a bare git repository in a temporary folder as the remote, and
// "machines", each a temporary HOME with its own git identity (~/.gitconfig) and, optionally,
// a vault. Helpers run otp and git there and read a vault's data directly (decrypted with the
// test password), so tests compare what every machine really holds.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { EntryDraft } from "../../src/core/entry.js";
import { parseEnvelope, type Envelope } from "../../src/core/vault/format.js";
import type { VaultData } from "../../src/core/vault/model.js";
import { openData, unlockWithPassword } from "../../src/core/vault/vault.js";
import { otpIn } from "./cli-run.js";
import { otp, type RunOpts } from "./e2e-util.js";
import { TEST_PASSWORD, otpHome, type OtpHome, type RunResult } from "./otp-home.js";

export interface Remote {
  path: string;
  /** the remote's branch head */
  head(): string;
  [Symbol.dispose](): void;
}

export function bareRemote(): Remote {
  const path = join(mkdtempSync(join(tmpdir(), "otp-remote-")), "vault.git");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", path]);
  return {
    path,
    head: () => spawnSync("git", ["-C", path, "rev-parse", "-q", "--verify", "refs/heads/main"], { encoding: "utf8" }).stdout.trim(),
    [Symbol.dispose]: () => rmSync(dirname(path), { recursive: true, force: true }),
  };
}

export interface Machine extends OtpHome {
  name: string;
  /** the vault's folder: the sync repository */
  dir: string;
  otp(args: string[], o?: RunOpts): RunResult;
  /** otp in this process (test/helpers/cli-run.ts): the command layer's way, milliseconds instead of a process start */
  run(args: string[], o?: RunOpts): Promise<RunResult>;
  /** git in the vault's folder with this machine's HOME; throws on failure */
  git(args: string[], extraEnv?: Record<string, string>): string;
  /** git that may fail */
  tryGit(args: string[], extraEnv?: Record<string, string>): RunResult;
  data(): Promise<VaultData>;
  envelope(): Envelope;
  bytes(): Buffer;
}

/** A machine with its own HOME and git identity; with `entries`, a vault holding them. */
export async function machine(name: string, entries?: EntryDraft[], o: { identity?: boolean } = {}): Promise<Machine> {
  const h = await otpHome(entries);
  // No automatic housekeeping: git would start `gc --auto` after each push (receive.autogc) and
  // `maintenance run --auto` after each fetch, which on repositories this small never pack
  // anything (2 of a sync's ~21 processes); otp does not rely on it either way.
  if (o.identity !== false)
    writeFileSync(
      join(h.home, ".gitconfig"),
      `[user]\n\tname = Test ${name}\n\temail = ${name.toLowerCase()}@example.com\n[gc]\n\tauto = 0\n[receive]\n\tautogc = false\n[maintenance]\n\tauto = false\n`,
    );
  return wrap(name, h);
}

/** Another machine that starts as an exact copy of m (`cp -a` of its HOME: vault, repository, sessions). */
export async function copyOf(m: Machine, name: string): Promise<Machine> {
  const h = await otpHome();
  rmSync(h.home, { recursive: true, force: true });
  execFileSync("cp", ["-a", m.home, h.home]);
  return wrap(name, h);
}

function wrap(name: string, h: OtpHome): Machine {
  const dir = dirname(h.vault);
  const gitRun = (args: string[], extraEnv: Record<string, string> = {}): RunResult => {
    const r = spawnSync("git", args, {
      cwd: existsSync(dir) ? dir : h.home,
      env: { ...h.env({}, { password: false }), ...extraEnv },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  };
  return Object.assign(h, {
    name,
    dir,
    otp: (args: string[], ro?: RunOpts) => otp(h, args, ro),
    run: (args: string[], ro?: RunOpts) => otpIn(h, args, ro),
    git(args: string[], extraEnv?: Record<string, string>) {
      const r = gitRun(args, extraEnv);
      if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed on ${name}: ${r.stderr}`);
      return r.stdout;
    },
    tryGit: gitRun,
    data: () => readData(h.vault),
    envelope: () => parseEnvelope(new Uint8Array(readFileSync(h.vault))).envelope,
    bytes: () => readFileSync(h.vault),
  });
}

/**
 * Master keys by (vault id, slots, password): unlockWithPassword is a pure function of those, and
 * the tests read each machine's vault after every step, mostly under keys already seen (~60 ms
 * of Argon2id each at today's default, 138 times in sync-attacks). openData still decrypts and
 * authenticates the payload with the key, so a changed file is caught exactly as before.
 */
const unlocked = new Map<string, Uint8Array>();
const hexBytes = (_k: string, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v);

/** The decrypted data of a vault file (password "test"). */
export async function readData(path: string, password = TEST_PASSWORD): Promise<VaultData> {
  const { envelope } = parseEnvelope(new Uint8Array(readFileSync(path)));
  const id = JSON.stringify([envelope.vaultId, envelope.slots, password], hexBytes);
  let key = unlocked.get(id);
  if (!key) unlocked.set(id, (key = await unlockWithPassword(envelope, password)));
  return openData(envelope, key);
}

/** Entries and tombstones only, as JSON: what must be the same on every machine. */
export const entriesOf = (d: VaultData) => JSON.stringify({ entries: d.entries, tombstones: d.tombstones });

/** Every git object of a repository, as text (`git cat-file --batch-all-objects --batch`). */
export function allObjects(repo: string): string {
  const r = spawnSync("git", ["-C", repo, "cat-file", "--batch-all-objects", "--batch"], { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`cat-file failed: ${r.stderr}`);
  return r.stdout.toString("latin1");
}

/** A remote and machines already set up for sync, as a property test plays each history from. */
export interface SyncSetup {
  remote: Remote;
  machines: Machine[];
}

/**
 * Setups made once with the real commands (`otp sync init` on each machine: ~45 git runs and
 * ~0.7 s each), then copied back into place (`cp -a`, same paths, so every remote URL, hook and
 * merge driver in them still holds) for each further history a property test plays. What a
 * history starts from is byte for byte what the commands made; `sync init` itself is tested in
 * sync-commands. Dispose at the end of the test: that removes the kept copies.
 */
export function syncSetups(): { get(key: string, make: () => Promise<SyncSetup>): Promise<SyncSetup> } & Disposable {
  const made = new Map<string, { setup: SyncSetup; dirs: string[] }>();
  const kept = (dir: string) => `${dir}.setup`;
  return {
    async get(key, make) {
      const have = made.get(key);
      if (have) {
        for (const dir of have.dirs) {
          rmSync(dir, { recursive: true, force: true });
          execFileSync("cp", ["-a", kept(dir), dir]);
        }
        return have.setup;
      }
      const setup = await make();
      const dirs = [dirname(setup.remote.path), ...setup.machines.map((m) => m.home)];
      for (const dir of dirs) execFileSync("cp", ["-a", dir, kept(dir)]);
      made.set(key, { setup, dirs });
      return setup;
    },
    [Symbol.dispose]() {
      for (const { dirs } of made.values()) for (const dir of dirs) rmSync(kept(dir), { recursive: true, force: true });
    },
  };
}
