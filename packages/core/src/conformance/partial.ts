import { partialLoad } from './partial-load.js';
import { partialSave } from './partial-save.js';
import type { TestGroup } from './suite.js';

/** Partial load (latest N, all, by turn id, gaps) and partial save of a live context. */
export const partial: TestGroup = (suite) => {
  partialLoad(suite);
  partialSave(suite);
};
