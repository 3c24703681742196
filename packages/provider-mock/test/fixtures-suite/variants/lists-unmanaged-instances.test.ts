import { describeVariant } from '../describe-variant.js';

describeVariant('lists-unmanaged-instances');
