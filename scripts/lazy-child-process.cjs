// Stands in for node:child_process inside commander, which requires it at load time only to
// run executable subcommands (otp has none). Loading it costs ~8 ms of every start, so the
// real module loads on first use instead.
let real;
module.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:child_process"))[key] });
