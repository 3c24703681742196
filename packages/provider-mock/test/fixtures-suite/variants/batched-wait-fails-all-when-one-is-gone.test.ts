import { describeVariant } from '../describe-variant.js';

describeVariant('batched-wait-fails-all-when-one-is-gone');
