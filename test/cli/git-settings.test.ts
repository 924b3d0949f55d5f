// otp reads git's settings once per command (`git config --list -z`, sync/repo.ts gitIn) instead
// of one `git config --get` per setting. Each value must be the one `git config --get` gives:
// keys in any case, subsections kept as written, the last of several values, bare booleans,
// included files, the global file under HOME, and settings otp itself changes mid-command.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/cli/context.js";
import { gitIn, seenGeneration, settingName } from "../../src/cli/commands/sync/repo.js";
import { realWorld } from "../../src/io/world.js";
import { needTool } from "../helpers/tools.js";

const hasGit = needTool("git");
const root = mkdtempSync(join(tmpdir(), "otp-git-settings-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const home = join(root, "home");
const repo = join(root, "repo");
const env = { PATH: process.env.PATH, HOME: home };

function setUp(): void {
  execFileSync("mkdir", ["-p", home, repo]);
  writeFileSync(join(home, ".gitconfig"), `[user]\n\tname = Global Name\n\temail = g@example.com\n[core]\n\tsshCommand = ssh -i ~/k\n`);
  writeFileSync(join(root, "included"), `[otp]\n\tpasswordFile = /from/an/include\n`);
  execFileSync("git", ["init", "-q", repo], { env });
  writeFileSync(
    join(repo, ".git", "config"),
    [
      "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tsparseCheckout\n",
      "[OTP]\n\tRemoteGeneration = 3\n\tremotegeneration = 7\n",
      '[merge "OtpVault"]\n\tdriver = "otp  sync merge-driver %O %A %B "\n',
      '[merge "otpvault"]\n\tdriver = lower\n',
      "[user]\n\tname = Local Name\n",
      `[include]\n\tpath = ${join(root, "included")}\n`,
      "[otp]\n\tlastSync = a\\nb\n",
    ].join(""),
  );
}

const KEYS = [
  "user.name",
  "user.email",
  "core.sshCommand",
  "core.sparseCheckout",
  "otp.remoteGeneration",
  "OTP.REMOTEGENERATION",
  "merge.OtpVault.driver",
  "merge.otpvault.driver",
  "merge.OTPVAULT.driver",
  "otp.passwordFile",
  "otp.lastSync",
  "otp.missing",
];

/** What `git config --get KEY` prints (its final newline removed), or null when it fails. */
function gitGet(dir: string, key: string): string | null {
  const r = spawnSync("git", ["config", "--get", key], { cwd: dir, env, encoding: "utf8" });
  return r.status === 0 ? r.stdout.replace(/\n$/, "") : null;
}

describe.skipIf(!hasGit)("git's settings, read once", () => {
  it("give what `git config --get` gives for every key", async () => {
    setUp();
    const g = gitIn({ git: realWorld(env).git } as Ctx, repo);
    for (const key of KEYS) expect(await g.config(key), key).toBe(gitGet(repo, key));
    // Outside any repository: the global file only.
    const outside = gitIn({ git: realWorld(env).git } as Ctx, root);
    for (const key of KEYS) expect(await outside.config(key), key).toBe(gitGet(root, key));
  });

  it("follow what otp changes: a key it sets, without reading them all again; anything else, read again", async () => {
    setUp();
    const git = realWorld(env).git;
    const lists: string[] = [];
    const g = gitIn(
      { git: { ...git, run: (dir, args, o) => (args[0] === "config" && lists.push(args.join(" ")), git.run(dir, args, o)) } } as Ctx,
      repo,
    );
    expect(await g.config("otp.lastSync")).toBe("a\nb");
    await g(["config", "otp.lastSync", "later"]);
    await g(["config", "merge.OtpVault.Driver", "new driver"]);
    for (const key of ["otp.lastSync", "merge.OtpVault.driver", ...KEYS]) expect(await g.config(key), key).toBe(gitGet(repo, key));
    expect(lists, "one read, two writes, no read again").toEqual([
      "config --list -z",
      "config otp.lastSync later",
      "config merge.OtpVault.Driver new driver",
    ]);
    await g(["remote", "add", "origin", "/nowhere"]);
    expect(await g.config("remote.origin.url")).toBe("/nowhere");
    await g(["config", "--unset", "otp.lastSync"]);
    expect(await g.config("otp.lastSync")).toBe(null);
    expect(lists.filter((l) => l === "config --list -z")).toHaveLength(3);
  });

  it("the rollback floor (otp.remoteGeneration) is read afresh: another otp may have raised it meanwhile", async () => {
    setUp();
    const g = gitIn({ git: realWorld(env).git } as Ctx, repo);
    expect(await seenGeneration(g)).toBe(7);
    execFileSync("git", ["config", "--replace-all", "otp.remoteGeneration", "12"], { cwd: repo, env });
    expect(await g.config("otp.remoteGeneration"), "other settings come from what was read").toBe("7");
    expect(await seenGeneration(g)).toBe(12);
  });

  it("name keys as `git config --list` does", () => {
    expect(settingName("merge.OtpVault.Driver")).toBe("merge.OtpVault.driver");
    expect(settingName("Core.SSHCommand")).toBe("core.sshcommand");
    expect(settingName("a.b.c.D")).toBe("a.b.c.d");
  });
});
