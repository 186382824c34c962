import { libraryConfig } from '../../tsdown.base.ts';

export default libraryConfig(['src/index.ts', 'src/adapter/index.ts', 'src/conformance/index.ts'], {
  './default-runner.js': './default-runner-cjs.ts',
  './package-import.js': './package-import-cjs.ts',
});
