import { describeVariant } from '../describe-variant.js';

describeVariant('terminate-throws-on-unknown-id');
