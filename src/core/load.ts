// Loads an external package on demand (libsodium, inquirer, sharp, …). Inside the
// bundle run by bin/otp.cjs, import() is the launcher's own (passed in as __otpImport):
// functions restored from V8's code cache lose their dynamic-import callback. Elsewhere
// (vitest, `node dist/otp.cjs`) it is the ordinary import().
declare const __otpImport: ((specifier: string) => Promise<unknown>) | undefined;

export function loadPackage<T>(specifier: string): Promise<T> {
  return (typeof __otpImport === "function" ? __otpImport(specifier) : import(specifier)) as Promise<T>;
}
