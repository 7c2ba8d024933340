/**
 * The analyzer framework: each analyzer has Istio's name, reads some kinds and may emit some
 * codes; the engine runs the selected ones over one shared, indexed context.
 */
import type { AnalysisContext } from './context.js';

export interface Analyzer {
  /** Istio's analyzer name, e.g. `virtualservice.DestinationHostAnalyzer` (used by --analyzer). */
  name: string;
  description: string;
  /** Type keys of the kinds its findings are about (resource.ts typeKey); it is skipped when none is present. */
  inputs: readonly string[];
  /** Message codes it may emit. */
  codes: readonly string[];
  /** Not part of `istioctl analyze`'s set (precheck's analyzers): runs only when named. */
  optIn?: boolean;
  /** Optional asynchronous work before run (loading and compiling schemas). */
  prepare?(ctx: AnalysisContext): Promise<void>;
  run(ctx: AnalysisContext): void;
}

export interface EngineResult {
  executed: string[];
  skipped: string[];
}

export async function runAnalyzers(ctx: AnalysisContext, analyzers: readonly Analyzer[]): Promise<EngineResult> {
  const executed: string[] = [];
  const skipped: string[] = [];
  for (const a of analyzers) {
    if (!a.inputs.some((k) => ctx.has(k))) {
      skipped.push(a.name);
      continue;
    }
    ctx.current = a.name;
    try {
      await a.prepare?.(ctx);
      a.run(ctx);
    } catch (err) {
      // A bug in one analyzer must not hide the findings of the others.
      ctx.report('IST0001', undefined, `Internal error: analyzer ${a.name} failed: ${(err as Error).message}`);
    }
    executed.push(a.name);
  }
  ctx.current = '';
  return { executed, skipped };
}
