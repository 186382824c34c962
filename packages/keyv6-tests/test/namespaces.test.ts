import { describeNamespaces } from '../../keyv/test/keyv-namespaces.js';
import { keyvSix } from './keyv-six.js';

describeNamespaces(keyvSix);
