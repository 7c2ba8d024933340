/**
 * The entry point of kube-inject's worker threads (built to dist/inject-worker.cjs): serve
 * the batches parallel.ts sends.
 */
import { serveBatches } from './parallel.js';

void serveBatches();
