/**
 * Where resources come from. analyze overlays files on whatever a cluster holds; each origin
 * is a ResourceSource. The file source is here; a cluster source (listing the analyzed kinds
 * page by page through src/kube) implements the same interface and is added in front of it.
 */
import type { Resource } from './resource.js';

export interface ResourceSource {
  /** How the source is named in verbose output ("files", "cluster <context>"). */
  readonly description: string;
  /**
   * Yields the resources of the given kinds (type keys, see resource.ts typeKey). Sources may
   * return other kinds too; the engine ignores what no analyzer reads.
   */
  list(kinds: ReadonlySet<string>): AsyncIterable<Resource>;
  /**
   * Kinds this source holds completely, so a missing object is really missing (a cluster
   * lists every Pod; a folder of YAML usually holds none). Files report the kinds they contain.
   */
  completeKinds(): ReadonlySet<string>;
}

/** A source over resources already in memory (used for files and by tests). */
export class StaticSource implements ResourceSource {
  readonly description: string;
  private readonly resources: readonly Resource[];
  constructor(description: string, resources: readonly Resource[]) {
    this.description = description;
    this.resources = resources;
  }
  async *list(kinds: ReadonlySet<string>): AsyncIterable<Resource> {
    void kinds;
    yield* this.resources;
  }
  completeKinds(): ReadonlySet<string> {
    return new Set();
  }
}

/**
 * Collects every resource from the sources in order; a later source's object replaces an
 * earlier one with the same identity (files overlay the cluster).
 */
export async function collect(sources: readonly ResourceSource[], kinds: ReadonlySet<string>, identityOf: (r: Resource) => string): Promise<{ resources: Resource[]; complete: Set<string> }> {
  const byId = new Map<string, Resource>();
  const complete = new Set<string>();
  for (const source of sources) {
    for await (const r of source.list(kinds)) byId.set(identityOf(r), r);
    for (const k of source.completeKinds()) complete.add(k);
  }
  return { resources: [...byId.values()], complete };
}
