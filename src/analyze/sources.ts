/**
 * Where resources come from besides files: analyze overlays files on whatever a source (a
 * live cluster, cluster-source.ts) holds.
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
  /**
   * Objects fetched by name once everything is known (a cluster reads the Secrets gateways
   * refer to instead of listing every Secret).
   */
  referenced?(known: Iterable<Resource>): Promise<Resource[]>;
}
