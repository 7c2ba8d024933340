/**
 * -o json|yaml as istioctl renders it: resources re-marshalled through the Envoy message
 * layouts (jsonpb, re-indented by encoding/json), or whole sections with jsonpb's own indent
 * (bootstrap, secret) or protojson's (ecds); YAML is JSONToYAML of that JSON. Every form
 * ends with the extra newline of istioctl's Println.
 */
import type { ConfigDump, Json, Obj } from '../dump.js';
import { goIndent } from '../go-json.js';
import { jsonToYaml } from '../go-yaml.js';
import { decodeMessage, type JsonValue } from '../proto/decode.js';
import { jsonpb, protojson } from '../proto/encode.js';

export type StructuredFormat = 'json' | 'yaml';

function emit(json: string, format: StructuredFormat): string {
  return (format === 'yaml' ? jsonToYaml(json) : json) + '\n';
}

/** A protio.MessageSlice of `type` messages through json.MarshalIndent(…, "", "    "). */
export function messageSlice(type: string, items: Obj[], format: StructuredFormat): string {
  const compact = `[${items.map((item) => jsonpb(decodeMessage(type, item as JsonValue))).join(',')}]`;
  return emit(goIndent(compact, '    '), format);
}

/** istioctl's protomarshal.ToJSONWithIndent(msg, "    "): jsonpb with its own 4-space indent. */
export function toJsonWithIndent(type: string, value: Json): string {
  return jsonpb(decodeMessage(type, value as JsonValue), '    ');
}

/** One message as ToJSONWithIndent prints it (bootstrap, secret -o json|yaml). */
export function indentedMessage(type: string, value: Json, format: StructuredFormat): string {
  return emit(toJsonWithIndent(type, value), format);
}

/** ECDS: all sections merged into one EcdsConfigDump, protojson Multiline with Indent "    ". */
export function ecdsDump(dump: ConfigDump, format: StructuredFormat): string {
  const merged = { ecds_filters: dump.ecdsFilters() } as JsonValue;
  const compact = protojson(decodeMessage('envoy.admin.v3.EcdsConfigDump', merged));
  return emit(goIndent(compact, '    ', false), format);
}

/** `all -o json|yaml`: Envoy's bytes unchanged (or converted to YAML). */
export function rawDump(dump: ConfigDump, format: StructuredFormat): string {
  return format === 'yaml' ? jsonToYaml(dump.raw) + '\n' : dump.raw + '\n';
}
