export { flush, manualScheduler, type ManualScheduler } from '../../src/testing/manual-scheduler.js';
