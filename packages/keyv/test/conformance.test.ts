import { describeKeyvConformance } from './keyv-conformance.js';
import { keyvFive } from './keyv-five.js';

describeKeyvConformance(keyvFive);
