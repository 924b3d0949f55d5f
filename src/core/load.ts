// Loads an external package on demand (libsodium, inquirer, sharp, …). Inside the
// bundle run by bin/otp.cjs, import() is the launcher's own (passed in as __otpImport):
// functions restored from V8's code cache lose their dynamic-import callback. Elsewhere
// (vitest, `node dist/otp.cjs`) it is the ordinary import().
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

declare const __otpImport: ((specifier: string) => Promise<unknown>) | undefined;
// The bundle is CommonJS: its `require` is the module's own (bin/otp.cjs passes it in).
declare const require: ((specifier: string) => unknown) | undefined;
declare const __filename: string | undefined;

export function loadPackage<T>(specifier: string): Promise<T> {
  return (typeof __otpImport === "function" ? __otpImport(specifier) : import(specifier)) as Promise<T>;
}

/**
 * A CommonJS package (@node-rs/argon2): inside the bundle through `require`, which skips the
 * ESM loader that import() of CommonJS starts (its module lexer and resolver cost the password
 * path ~8 ms); elsewhere (vitest) through loadPackage. Either way the package's exports, with
 * `default` too where import() adds it.
 */
export function loadCommonJs<T>(specifier: string): Promise<T> {
  if (typeof __otpImport === "function" && typeof require === "function") {
    try {
      return Promise.resolve(require(specifier) as T);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return loadPackage<T>(specifier);
}

/**
 * A native addon: `file` inside package `pkg`, loaded synchronously. Inside the bundle it is
 * first tried where npm puts the package beside it (a global install, a checkout):
 * dist/../node_modules/<pkg>/<file>, where Node's resolution finds it too (after
 * dist/node_modules, which nothing makes), without the ~1 ms that resolving costs at start-up.
 * Elsewhere (a package hoisted into a project's node_modules; vitest) Node resolves
 * `<pkg>/<file>`. Throws when it does not load.
 */
export function requireAddon<T>(pkg: string, file: string): T {
  // In the bundles (CommonJS) require and __filename are the module's own; under vitest, neither.
  const inBundle = typeof require === "function" && typeof __filename === "string";
  const req = inBundle ? require! : createRequire(import.meta.url);
  if (inBundle)
    try {
      return req(join(dirname(__filename!), "..", "node_modules", pkg, file)) as T;
    } catch {
      // not beside the bundle: resolve it
    }
  return req(`${pkg}/${file}`) as T;
}
