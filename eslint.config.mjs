// The layers and the start-up rules, enforced (README "Development", docs/startup.md):
// core is pure; io never imports cli; a command reaches the outside world only through its Ctx;
// heavy packages load only through loadPackage() (src/core/load.ts), never at start-up.
import tseslint from "typescript-eslint";

const HEAVY = [
  "libsodium-wrappers-sumo",
  "@node-rs/argon2",
  "@inquirer/*",
  "sharp",
  "jsqr",
  "sql.js",
  "adm-zip",
  "qrcode",
  "protobufjs",
  "protobufjs/*",
  "@zxcvbn-ts/*",
  "fs-native-extensions",
  "sodium-native",
];
const heavy = {
  group: HEAVY,
  allowTypeImports: true,
  message: "load it with loadPackage() (src/core/load.ts), so it stays off other commands' start-up path (docs/startup.md)",
};
const IO_MODULES = ["node:fs", "node:fs/*", "node:child_process", "node:os"];
const restrict = (...patterns) => ["error", { patterns: [heavy, ...patterns] }];

export default tseslint.config(
  { ignores: ["dist/**", "test/.build/**", "node_modules/**", "completions/**"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-restricted-imports": restrict(),
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportExpression[source.type='Literal'][source.value=/^[^.]/]",
          message: "a package is imported only through loadPackage() (src/core/load.ts)",
        },
      ],
    },
  },
  // The one loader; the programs otp starts beside itself (src/io/programs) are bundles of their own.
  { files: ["src/core/load.ts"], rules: { "no-restricted-syntax": "off" } },
  // Tests and tools may load what they test directly.
  {
    files: ["test/**/*.ts", "bench/**", "scripts/**"],
    rules: {
      "no-restricted-syntax": "off",
      "@typescript-eslint/no-restricted-imports": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": restrict(
        { group: ["**/io/*", "**/cli/*"], message: "core is pure: it imports neither io nor cli (core ← io ← cli)" },
        {
          group: [...IO_MODULES, "node:net", "node:tty", "node:readline", "node:worker_threads"],
          message: "core is pure: no I/O (time and input come in as arguments)",
        },
      ),
    },
  },
  {
    files: ["src/io/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": restrict({ group: ["**/cli/*"], message: "io never imports cli" }) },
  },
  {
    // Everything in cli but the few files that wire the process together before a command has its Ctx.
    files: ["src/cli/**/*.ts"],
    ignores: ["src/cli/main.ts", "src/cli/context.ts", "src/cli/help-hints.ts", "src/cli/help-style.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": restrict(
        { group: ["**/io/*"], message: "cli reaches the outside world through ctx (src/cli/context.ts, src/io/world.ts), not from io" },
        { group: IO_MODULES, message: "cli reaches files, processes and the system through ctx (src/io/world.ts)" },
      ),
    },
  },
);
