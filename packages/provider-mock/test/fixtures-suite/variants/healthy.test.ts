import { describeVariant } from '../describe-variant.js';

describeVariant('healthy');
