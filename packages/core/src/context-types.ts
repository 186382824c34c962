/**
 * What a bot keeps in its contexts, declared once and given as the one type parameter of
 * `Context`, `DBContextStorage` and `createContextStorage`:
 *
 * ```ts
 * interface Bot {
 *   misc: { name?: string; visits: number };
 *   request: { text: string };
 *   response: { text: string; buttons?: string[] };
 *   label: 'start' | 'greet' | 'ask-name';
 * }
 * const storage = await createContextStorage<Bot>('memory://');
 * const context = await storage.getItem('user-1'); // Context<Bot> | undefined
 * context?.requests.get(1)?.text; // string | undefined
 * ```
 *
 * Every key is optional: one left out keeps its untyped default (`misc`:
 * `Record<string, unknown>`, a turn field: `unknown`), so `Context` alone is the untyped context
 * of earlier versions.
 *
 * The types are a promise the application makes, not a check: a load decodes what is stored and
 * does not validate it against them (validate at the edge, with a schema library, if the stored
 * data may come from another program or an older shape).
 */
export interface ContextTypes {
  /** Type of `context.misc`: an object (an interface or a type literal). */
  misc?: object;
  /** Type of one item of `context.requests`: what the user sent in a turn. */
  request?: unknown;
  /** Type of one item of `context.responses`: what the bot answered in a turn. */
  response?: unknown;
  /** Type of one item of `context.labels`: where the flow went in a turn. */
  label?: unknown;
}

/** The type of `misc` that `T` declares, `Record<string, unknown>` when it declares none. */
export type MiscOf<T extends ContextTypes> = T extends { misc?: infer M }
  ? // No key at all: `object` (what ContextTypes itself declares), `{}` or nothing declared.
    [keyof M] extends [never]
    ? Record<string, unknown>
    : M
  : Record<string, unknown>;

/** The type of one request that `T` declares, `unknown` when it declares none. */
export type RequestOf<T extends ContextTypes> = T extends { request?: infer R } ? R : unknown;

/** The type of one response that `T` declares, `unknown` when it declares none. */
export type ResponseOf<T extends ContextTypes> = T extends { response?: infer R } ? R : unknown;

/** The type of one label that `T` declares, `unknown` when it declares none. */
export type LabelOf<T extends ContextTypes> = T extends { label?: infer L } ? L : unknown;
