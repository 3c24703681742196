import { describeVariant } from '../describe-variant.js';

describeVariant('terminate-ignores-pending');
