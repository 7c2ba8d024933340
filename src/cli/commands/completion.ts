import { NotImplementedError } from '../../core/errors.js';

export async function run(): Promise<void> {
  throw new NotImplementedError('completion');
}
