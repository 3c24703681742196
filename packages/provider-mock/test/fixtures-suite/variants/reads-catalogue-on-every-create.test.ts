import { describeVariant } from '../describe-variant.js';

describeVariant('reads-catalogue-on-every-create');
