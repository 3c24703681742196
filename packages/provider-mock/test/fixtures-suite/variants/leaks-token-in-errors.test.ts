import { describeVariant } from '../describe-variant.js';

describeVariant('leaks-token-in-errors');
