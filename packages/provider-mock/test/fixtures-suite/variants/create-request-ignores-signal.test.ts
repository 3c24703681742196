import { describeVariant } from '../describe-variant.js';

describeVariant('create-request-ignores-signal');
