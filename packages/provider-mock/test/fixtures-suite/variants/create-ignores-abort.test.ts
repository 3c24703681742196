import { describeVariant } from '../describe-variant.js';

describeVariant('create-ignores-abort');
