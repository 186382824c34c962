import { describeKeyvConformance } from '../../keyv/test/keyv-conformance.js';
import { keyvSix } from './keyv-six.js';

describeKeyvConformance(keyvSix);
