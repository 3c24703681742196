import { describeVariant } from '../describe-variant.js';

describeVariant('validate-spec-disagrees');
