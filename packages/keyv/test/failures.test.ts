import { describeFailures } from './keyv-failures.js';
import { keyvFive } from './keyv-five.js';

describeFailures(keyvFive);
