import { describeVariant } from '../describe-variant.js';

describeVariant('terminate-returns-before-delete');
