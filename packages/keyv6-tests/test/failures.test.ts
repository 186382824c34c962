import { describeFailures } from '../../keyv/test/keyv-failures.js';
import { keyvSix } from './keyv-six.js';

describeFailures(keyvSix);
