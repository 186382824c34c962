// The one build of every published package: ES modules and CommonJS from the same source, each
// with its own declarations (`.d.ts` beside `.js`, `.d.cts` beside `.cjs`), so that `import`,
// `require()` and TypeScript under nodenext, node16 (CommonJS output) and bundler all resolve.
import type { Plugin } from 'rolldown';
import { defineConfig, type UserConfig } from 'tsdown';

/**
 * Source modules replaced in the CommonJS build only: `{ './a.js': './a-cjs.ts' }`, for code that
 * CommonJS cannot run as written (top-level await).
 */
export type CommonJsSubstitutes = Readonly<Record<string, string>>;

function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function substitute(substitutes: CommonJsSubstitutes): Plugin {
  return {
    name: 'context-storage:commonjs-substitutes',
    resolveId: {
      filter: { id: { include: Object.keys(substitutes).map((source) => exactly(source)) } },
      async handler(source, importer) {
        const replacement = substitutes[source];
        if (replacement === undefined || importer === undefined) return null;
        const resolved = await this.resolve(replacement, importer, { skipSelf: true });
        if (resolved === null) throw new Error(`${replacement} (for ${source}) not found`);
        return resolved;
      },
    },
  };
}

/** The build of a published package whose entry points are `entry` (paths under src/). */
export function libraryConfig(
  entry: readonly string[],
  commonJsSubstitutes: CommonJsSubstitutes = {},
): UserConfig {
  return defineConfig({
    entry: [...entry],
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    dts: true,
    sourcemap: true,
    unbundle: true,
    checks: { pluginTimings: false },
    inputOptions: (options, format) =>
      format === 'cjs'
        ? { ...options, plugins: [substitute(commonJsSubstitutes), options.plugins] }
        : options,
    // A client library (`import('ioredis')`) is loaded with require() in the CommonJS build:
    // CommonJS hosts such as Jest cannot run import() without a flag, and require() keeps one
    // kind of module per application.
    outputOptions: (options, format) =>
      format === 'cjs' ? { ...options, dynamicImportInCjs: false } : options,
  });
}
