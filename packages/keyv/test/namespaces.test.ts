import { keyvFive } from './keyv-five.js';
import { describeNamespaces } from './keyv-namespaces.js';

describeNamespaces(keyvFive);
