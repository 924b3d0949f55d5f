// Commander with its operands and options typed, so that program.ts and each command's run()
// cannot drift apart unnoticed: @commander-js/extra-typings infers from every `.option()` and
// `.argument()` the values commander will hand over, and `action()` below refuses, at compile
// time, a command whose run() takes options of other names or types (docs/cli-contract.md,
// "Options are typed"). Only extra-typings' types are used: at run time its classes ARE
// commander's (its index.js re-exports them), so the casts below are sound and the bundle gains
// nothing.
import { Argument as RawArgument, Option as RawOption } from "commander";
import type * as Typed from "@commander-js/extra-typings";
import { createCtx, type Ctx, type GlobalOptions } from "./context.js";
import type { OtpCommand } from "./help-hints.js";

export const Option = RawOption as unknown as typeof Typed.Option;
export const Argument = RawArgument as unknown as typeof Typed.Argument;
export type { OptionValues } from "@commander-js/extra-typings";

/** A command as extra-typings sees it: its operands, its own options, the options of its parents. */
export type Cmd<Args extends unknown[] = unknown[], Opts extends Typed.OptionValues = Typed.OptionValues> = Typed.Command<
  Args,
  Opts,
  Typed.OptionValues
>;

/** An otp command as extra-typings types it (the root is an OtpCommand: cli/help-hints.ts). */
export const typed = (cmd: OtpCommand): Typed.Command => cmd as unknown as Typed.Command;

type Only<A, B> = Exclude<keyof A, keyof B> & string;
type Shared<A, B> = keyof A & keyof B & string;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** Options whose value commander gives (a string, a number from a parser, true…) run() does not take. */
type Misfits<D, T> = { [K in Shared<D, T>]-?: [D[K]] extends [T[K]] ? never : K }[Shared<D, T>];
/** Options always set on one side only: a default or a `--no-x` makes commander always set them. */
type OptionalOnOneSide<D, T> = Shared<D, T> & (Exclude<RequiredKeys<D>, RequiredKeys<T>> | Exclude<RequiredKeys<T>, RequiredKeys<D>>);

/**
 * The options commander hands over (Declared, from program.ts) against those run() takes
 * (Taken): the same names both ways, each value one run() takes, each always set on both sides or
 * on neither. Plain assignability would let `{ digts?: number }` take `{ digits?: number }`
 * (every property is optional) and `{ tags?: boolean }` take `--no-tags` or `--tags` alike.
 * `unknown` when they agree; else an object that names each option at fault, which the command
 * lacks, so the compiler's message names it.
 */
export type SameOptions<Declared, Taken> = [
  Only<Declared, Taken> | Only<Taken, Declared> | Misfits<Declared, Taken> | OptionalOnOneSide<Declared, Taken>,
] extends [never]
  ? unknown
  : { [K in Only<Declared, Taken> as `option '${K}' is declared in program.ts but not in run()'s options`]: K } & {
      [K in Only<Taken, Declared> as `option '${K}' is in run()'s options but not declared in program.ts`]: K;
    } & { [K in Misfits<Declared, Taken> as `option '${K}' gets a value of another type than run()'s options say`]: K } & {
      [K in OptionalOnOneSide<Declared, Taken> as `option '${K}' is always set on one side only (a default, or --no-${K})`]: K;
    };

type RunParams<M> = M extends { run: (ctx: Ctx, ...args: infer P) => Promise<void> } ? Required<P> : never;
/** The parameter after the operands (an optional one too), or {} when run() stops before it. */
type OptionsParam<P extends unknown[], Args extends unknown[]> = P extends [...{ [K in keyof Args]: unknown }, infer O, ...unknown[]]
  ? NonNullable<O>
  : {};

/**
 * What a command's run(ctx, ...operands, options) must be, given the operands and options
 * program.ts declares: it takes the operands in that order, each of a type that holds
 * commander's value, then options that are the declared ones exactly (SameOptions). It may stop
 * early: a run() without an options parameter fits only a command that declares none.
 */
export type Fits<Args extends unknown[], Opts, M> = M extends { run: (ctx: Ctx, ...args: [...Args, never]) => Promise<void> }
  ? SameOptions<Opts, OptionsParam<RunParams<M>, Args>>
  : { "run() cannot take the operands that program.ts declares": Args };

/** The root's options are GlobalOptions (cli/context.ts) by the same names and types: ctxFor hands them over. */
export const globalOptions = <O extends GlobalOptions & Typed.OptionValues>(root: Typed.Command<[], O> & SameOptions<O, GlobalOptions>) =>
  root;

/** The Ctx a command runs with: the real one, or what buildProgram was given (tests: test/helpers/cli-run.ts). */
export type MakeCtx = (g: GlobalOptions) => Ctx;
export const ctxFor = (cmd: Typed.CommandUnknownOpts): Ctx => {
  let root = cmd;
  while (root.parent) root = root.parent;
  return ((root as unknown as OtpCommand).makeCtx ?? createCtx)(cmd.optsWithGlobals() as unknown as GlobalOptions);
};

/**
 * Wires an action: the command's operands and own options (plus --json etc.) go to run(); the
 * global ones make its Ctx. The command module loads only when the action runs.
 */
export function action<
  Args extends unknown[],
  Opts extends Typed.OptionValues,
  M extends { run: (ctx: Ctx, ...args: never[]) => Promise<void> },
>(cmd: Cmd<Args, Opts> & NoInfer<Fits<Args, Opts, M>>, load: () => Promise<M>): Cmd<Args, Opts> {
  cmd.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Typed.CommandUnknownOpts;
    const positional = args.slice(0, -2);
    const ctx = ctxFor(self);
    const mod = await load();
    await (mod.run as (ctx: Ctx, ...args: unknown[]) => Promise<void>)(ctx, ...positional, self.opts());
  });
  return cmd;
}
