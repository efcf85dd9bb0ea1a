// Small hand-written validators for what arrives from the page (over IPC or web mode's WebSocket):
// each checks an unknown value and either returns it typed or says what is wrong and where.
// Objects are exact: unknown keys fail.

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
export type Validator<T> = (value: unknown, path?: string) => Checked<T>;

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = (path: string, what: string): Checked<never> => ({ ok: false, error: `${path || "value"}: ${what}` });

export function str(opts: { max: number; min?: number; pattern?: RegExp }): Validator<string> {
  return (v, path = "") => {
    if (typeof v !== "string") return fail(path, "must be a string");
    if (v.length < (opts.min ?? 0)) return fail(path, `must have at least ${opts.min} characters`);
    if (v.length > opts.max) return fail(path, `must have at most ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(v)) return fail(path, `must match ${String(opts.pattern)}`);
    return ok(v);
  };
}

export function num(opts: { min: number; max: number; integer?: boolean }): Validator<number> {
  return (v, path = "") => {
    if (typeof v !== "number" || !Number.isFinite(v)) return fail(path, "must be a finite number");
    if (opts.integer && !Number.isSafeInteger(v)) return fail(path, "must be an integer");
    if (v < opts.min || v > opts.max) return fail(path, `must be between ${opts.min} and ${opts.max}`);
    return ok(v);
  };
}

export const bool: Validator<boolean> = (v, path = "") =>
  typeof v === "boolean" ? ok(v) : fail(path, "must be true or false");

export function literal<const L extends readonly string[]>(values: L): Validator<L[number]> {
  return (v, path = "") =>
    typeof v === "string" && values.includes(v) ? ok(v) : fail(path, `must be one of ${values.join(", ")}`);
}

export function array<T>(item: Validator<T>, maxLength: number): Validator<T[]> {
  return (v, path = "") => {
    if (!Array.isArray(v)) return fail(path, "must be an array");
    if (v.length > maxLength) return fail(path, `must have at most ${maxLength} items`);
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = item(v[i], `${path}[${i}]`);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  };
}

/** Marks an object field as optional: absent or undefined is fine. */
export interface Optional<T> {
  optional: Validator<T>;
}
export const optional = <T>(v: Validator<T>): Optional<T> => ({ optional: v });

type Shape = Record<string, Validator<unknown> | Optional<unknown>>;
type Out<S extends Shape> = {
  [K in keyof S as S[K] extends Optional<unknown> ? never : K]: S[K] extends Validator<infer T> ? T : never;
} & {
  [K in keyof S as S[K] extends Optional<unknown> ? K : never]?: S[K] extends Optional<infer T> ? T : never;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** An exact object: every key must be in `shape`; a fresh object is built from checked values. */
export function object<S extends Shape>(shape: S): Validator<Out<S>> {
  return (v, path = "") => {
    if (!isPlainObject(v)) return fail(path, "must be a plain object");
    for (const key of Object.keys(v)) {
      if (!Object.hasOwn(shape, key)) return fail(path, `unexpected key "${key}"`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(shape)) {
      const value = v[key];
      const isOpt = "optional" in spec;
      if (value === undefined) {
        if (isOpt) continue;
        return fail(path, `missing key "${key}"`);
      }
      const r = (isOpt ? spec.optional : spec)(value, path ? `${path}.${key}` : key);
      if (!r.ok) return r;
      out[key] = r.value;
    }
    return ok(out as Out<S>);
  };
}

/** A union discriminated by its `type` field. */
export function tagged<T extends { type: string }>(variants: Record<T["type"], Validator<T>>): Validator<T> {
  return (v, path = "") => {
    if (!isPlainObject(v)) return fail(path, "must be a plain object");
    const tag = v.type;
    if (typeof tag !== "string" || !Object.hasOwn(variants, tag)) {
      return fail(path, `unknown type ${JSON.stringify(tag)}`);
    }
    return variants[tag as T["type"]](v, path);
  };
}

type ArgSpec = Validator<unknown> | Optional<unknown>;
type ArgsOut<L extends readonly ArgSpec[]> = {
  -readonly [I in keyof L]: L[I] extends Optional<infer T> ? T | undefined : L[I] extends Validator<infer T> ? T : never;
};

/**
 * The argument list of one call. Optional arguments (wrapped in `optional`) come last; an
 * omitted one may be missing or `undefined`. More arguments than the list fail.
 */
export function args<const L extends readonly ArgSpec[]>(list: L): Validator<ArgsOut<L>> {
  const required = list.filter((spec) => !("optional" in spec)).length;
  return (v, path = "args") => {
    if (!Array.isArray(v)) return fail(path, "must be an argument list");
    if (v.length < required) return fail(path, `needs ${required} argument(s), got ${v.length}`);
    if (v.length > list.length) return fail(path, `takes at most ${list.length} argument(s), got ${v.length}`);
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const spec = list[i]!;
      const isOpt = "optional" in spec;
      if (isOpt && v[i] === undefined) {
        out.push(undefined);
        continue;
      }
      const r = (isOpt ? spec.optional : spec)(v[i], `${path}[${i}]`);
      if (!r.ok) return r;
      out.push(r.value);
    }
    // A trailing `undefined` is what an omitted optional argument looks like after IPC.
    while (out.length > required && out[out.length - 1] === undefined) out.pop();
    return ok(out as ArgsOut<L>);
  };
}
