import { describeVariant } from '../describe-variant.js';

describeVariant('checks-spec-at-the-api');
