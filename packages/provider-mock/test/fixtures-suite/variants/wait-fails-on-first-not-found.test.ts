import { describeVariant } from '../describe-variant.js';

describeVariant('wait-fails-on-first-not-found');
