// What travels through git holds nothing in clear: after a full scenario on two machines,
// every object of the remote and the clones (`git cat-file --batch-all-objects`), every
// commit message and every file name is free of the seeds, issuers and account names; and
// every git that otp ran (a logging shim first on PATH) got none of them, nor the password,
// in its argv or environment.
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { expectNoSecret, expectOk, newSecret } from "../helpers/e2e-util.js";
import { allObjects, bareRemote, machine, type Machine } from "../helpers/sync-machines.js";
import { needTool } from "../helpers/tools.js";
import { totp, writeVault } from "../helpers/otp-home.js";

const hasGit = needTool("git");
vi.setConfig({ testTimeout: 240_000 });

const ISSUERS = ["Zebracorp Issuer", "Quokkabank"];
const ACCOUNTS = ["ada.zebra@example.org", "grace-quokka"];
const PASSWORD = "correct horse zebra battery";

/** Text files under a folder (config, reflogs, hooks), not the compressed objects. */
function textFilesUnder(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.parentPath.includes("objects"))
    .map((d) => readFileSync(join(d.parentPath, d.name), "latin1"))
    .join("\n");
}

describe.skipIf(!hasGit)("nothing in clear goes through git", () => {
  it("no object, message, file name, argv or environment of git holds a seed, issuer, account or the password", async () => {
    using remote = bareRemote();
    await using a = await machine("A");
    await using b = await machine("B");
    // git through a shim that logs its argv and environment (to a path written into the shim:
    // otp gives git a clean environment, so a variable would not reach it).
    const real = (await import("node:child_process")).execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
    const shims = join(a.home, "shims");
    const log = join(a.home, "git.log");
    mkdirSync(shims);
    writeFileSync(
      join(shims, "git"),
      `#!/bin/sh\n{ printf 'ARGV'; for x in "$@"; do printf ' [%s]' "$x"; done; printf '\\n'; env | sed 's/^/ENV /'; } >> '${log}'\nexec '${real}' "$@"\n`,
    );
    chmodSync(join(shims, "git"), 0o755);
    const env = { PATH: `${shims}:${process.env.PATH}`, OTP_PASSWORD: PASSWORD };
    const run = (m: Machine, args: string[], input?: string) => expectOk(m.otp(args, { env, input }));
    const secrets = [newSecret(), newSecret(), newSecret(), newSecret()];

    await writeVault(a.vault, [], PASSWORD);
    run(a, ["add", "zebra-stripes", "--stdin", "--issuer", ISSUERS[0]!, "--account", ACCOUNTS[0]!], secrets[0] + "\n");
    run(a, ["sync", "init", remote.path]);
    run(b, ["sync", "init", remote.path]);
    run(b, ["add", "quokka-hops", "--stdin", "--type", "hotp", "--issuer", ISSUERS[1]!, "--account", ACCOUNTS[1]!], secrets[1] + "\n");
    run(
      a,
      ["import", "-"],
      `otpauth://totp/${encodeURIComponent(ISSUERS[0]!)}:${ACCOUNTS[1]}?secret=${secrets[2]}&issuer=${encodeURIComponent(ISSUERS[0]!)}\n`,
    );
    run(a, ["edit", "zebra-stripes", "--account", `${ACCOUNTS[0]}.old`]);
    run(b, ["code", "quokka-hops"]);
    run(a, ["sync"]);
    run(b, ["sync"]);
    run(a, ["add", "gone", "--stdin", "--issuer", ISSUERS[1]!], secrets[3] + "\n");
    run(a, ["rm", "gone", "--yes"]);
    run(a, ["sync"]);
    run(b, ["sync"]);
    expect(expectOk(b.otp(["list"], { env }))).toMatch(/zebra-stripes/);

    // Each word has a character base64 never uses (space, "-", ".", "@") or 10 letters, so the
    // encrypted vault's base64 cannot hold one by chance (case aside, "zebra" alone would turn
    // up in about one run in 300).
    const forbidden = [...ISSUERS, ...ACCOUNTS, PASSWORD, "zebra-stripes", "quokka-hops"];
    const check = (what: string, text: string) => {
      for (const s of secrets) expectNoSecret(text, s);
      for (const f of forbidden) expect(text.toLowerCase().includes(f.toLowerCase()), `${what} holds "${f}"`).toBe(false);
    };
    for (const [name, repo] of [
      ["remote", remote.path],
      ["A", a.dir],
      ["B", b.dir],
    ] as const) {
      check(`${name}'s objects`, allObjects(repo));
      const messages = a.git(["-C", repo, "log", "--all", "--format=%B"]);
      check(`${name}'s commit messages`, messages);
      expect(
        messages
          .trim()
          .split("\n")
          .filter(Boolean)
          .every((l) => l.startsWith("otp: ")),
        messages,
      ).toBe(true);
      const names = new Set(a.git(["-C", repo, "log", "--all", "--name-only", "--format="]).split("\n").filter(Boolean));
      expect([...names].sort()).toEqual([".gitattributes", ".gitignore", "vault.otp"]);
    }
    check("A's .git files", textFilesUnder(join(a.dir, ".git")));
    check("B's .git files", textFilesUnder(join(b.dir, ".git")));
    // Every git otp ran: a clean environment (no OTP_*), no secret in argv.
    const calls = readFileSync(log, "utf8");
    expect(calls).toMatch(/ARGV .*\[commit-tree\]/);
    expect(calls).toMatch(/ARGV .*\[push\]/);
    check("git's argv and environment", calls);
    expect(calls).not.toMatch(/^ENV OTP_/m);
    expect(calls).toMatch(/^ENV GIT_TERMINAL_PROMPT=0$/m);
  });

  it("the vault file is the only thing a clone checks out", async () => {
    using remote = bareRemote();
    await using a = await machine("A", [totp("github", newSecret())]);
    expectOk(a.otp(["sync", "init", remote.path]));
    const checkout = join(a.home, "plain-clone");
    a.git(["clone", "-q", remote.path, checkout]);
    expect(
      readdirSync(checkout)
        .filter((n) => n !== ".git")
        .sort(),
    ).toEqual([".gitattributes", ".gitignore", "vault.otp"]);
  });
});
