import { describeVariant } from '../describe-variant.js';

describeVariant('drops-user-data');
