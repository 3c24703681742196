import { describeVariant } from '../describe-variant.js';

describeVariant('batched-wait-answers-another-instance');
