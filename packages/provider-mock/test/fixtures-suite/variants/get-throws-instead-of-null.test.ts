import { describeVariant } from '../describe-variant.js';

describeVariant('get-throws-instead-of-null');
