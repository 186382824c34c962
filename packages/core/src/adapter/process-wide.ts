/**
 * The value registered under `name` for the whole process, made by `create` on first use: state
 * that must stay one when a package is loaded twice (its ESM and CommonJS builds, two versions
 * nested by npm), such as the stores that `memory://name` URIs share. Every copy finds the same
 * value through a `Symbol.for('context-storage.<name>')` key on `globalThis`; put a version in
 * `name` and change it when the value's shape changes, so that copies of different shapes do
 * not share. Cost: one property read.
 */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`context-storage.${name}`);
  const shared = globalThis as { [key]?: T };
  shared[key] ??= create();
  return shared[key];
}
