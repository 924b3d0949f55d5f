// Loads an external package on demand (libsodium, inquirer, sharp, …). Inside the
// bundle run by bin/otp.cjs, import() is the launcher's own (passed in as __otpImport):
// functions restored from V8's code cache lose their dynamic-import callback. Elsewhere
// (vitest, `node dist/otp.cjs`) it is the ordinary import().
declare const __otpImport: ((specifier: string) => Promise<unknown>) | undefined;
// The bundle is CommonJS: its `require` is the module's own (bin/otp.cjs passes it in).
declare const require: ((specifier: string) => unknown) | undefined;

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
