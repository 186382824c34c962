/**
 * A bot bundled into one file that names its backend by URI only, leaving the adapter to be found
 * by package name at run time: a bundle has none, so this must fail with a typed error that says
 * what to do. Prints the error, as JSON.
 */
import { createContextStorage } from '@context-storage/core';

try {
  await createContextStorage('memory://');
  console.log(JSON.stringify({ opened: true }));
} catch (error) {
  const { name, code, message, packageName } = error as Error & {
    code?: string;
    packageName?: string;
  };
  console.log(JSON.stringify({ error: { name, code, message, packageName } }));
}
