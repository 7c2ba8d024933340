/** `pc ecds`: extension configs delivered by ECDS (istioctl's configdump/ecds.go). */
import { obj, str, type ConfigDump, type Obj } from '../dump.js';
import { goLess, goSortSlice } from '../../core/go-sort.js';
import { TabWriter } from '../../core/tabwriter.js';

const PREFIX = 'type.googleapis.com/';

function typeUrlOf(ext: Obj): string {
  const tc = obj(ext, 'typed_config');
  return tc && typeof tc['@type'] === 'string' ? tc['@type'] : '';
}

/** TypedExtensionConfigs of every ECDS section, sorted by type URL then name. */
export function sortedEcds(dump: ConfigDump): Obj[] {
  const exts = dump.ecdsFilters().map((e) => obj(e, 'ecds_filter') ?? {});
  return goSortSlice(exts, (a, b) => {
    const ta = typeUrlOf(a);
    const tb = typeUrlOf(b);
    if (ta === tb) return goLess(str(a, 'name'), str(b, 'name'));
    return goLess(ta, tb);
  });
}

export function printEcdsSummary(dump: ConfigDump): string {
  const w = new TabWriter({ minwidth: 0, padding: 5 });
  w.row('ECDS NAME', 'TYPE');
  for (const e of sortedEcds(dump)) {
    const url = typeUrlOf(e);
    w.row(str(e, 'name'), url.startsWith(PREFIX) ? url.slice(PREFIX.length) : url);
  }
  return w.toString();
}

