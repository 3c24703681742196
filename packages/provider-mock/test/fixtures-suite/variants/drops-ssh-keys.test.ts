import { describeVariant } from '../describe-variant.js';

describeVariant('drops-ssh-keys');
