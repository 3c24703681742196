import { describeVariant } from '../describe-variant.js';

describeVariant('ignores-rate-budget');
