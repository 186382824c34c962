/** True when X and Y are the same type (not merely assignable: `any` matches nothing but `any`). */
export type Equal<X, Y> =
  (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

/** Compiles only when given `true`: `expectType<Equal<typeof value, Wanted>>(true)`. */
export function expectType<T extends true>(ok: T): T {
  return ok;
}
