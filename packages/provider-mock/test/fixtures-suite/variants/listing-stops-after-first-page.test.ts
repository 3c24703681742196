import { describeVariant } from '../describe-variant.js';

describeVariant('listing-stops-after-first-page');
