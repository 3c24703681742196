import { describeVariant } from '../describe-variant.js';

describeVariant('blind-retry-after-lost-answer');
