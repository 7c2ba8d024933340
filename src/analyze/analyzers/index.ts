/** Every analyzer, in the order --list-analyzers prints them (sorted by name). */
import type { Analyzer } from '../framework.js';
import { annotationsAnalyzer } from './annotations.js';
import { deprecatedFields } from './deprecation.js';
import { destinationRuleAnalyzers } from './destinationrule.js';
import { envoyFilterPatches } from './envoyfilter.js';
import { gatewayAnalyzers } from './gateway.js';
import { gatewayApiCrds } from './gatewayapi.js';
import { injectionAnalyzers } from './injection.js';
import { meshNetworks } from './meshnetworks.js';
import { schemaValidation } from './schema.js';
import { selectorAnalyzers } from './selectors.js';
import { serviceAnalyzers } from './services.js';
import { serviceEntryAnalyzers } from './serviceentry.js';
import { negativeConditions } from './status.js';
import { virtualServiceAnalyzers } from './virtualservice.js';
import { webhooks } from './webhook.js';

export const ALL_ANALYZERS: readonly Analyzer[] = [
  annotationsAnalyzer,
  deprecatedFields,
  ...destinationRuleAnalyzers,
  envoyFilterPatches,
  ...gatewayAnalyzers,
  gatewayApiCrds,
  ...injectionAnalyzers,
  meshNetworks,
  schemaValidation,
  ...selectorAnalyzers,
  ...serviceAnalyzers,
  ...serviceEntryAnalyzers,
  negativeConditions,
  ...virtualServiceAnalyzers,
  webhooks,
].sort((a, b) => a.name.localeCompare(b.name));

/** Codes some analyzer can emit. */
export function implementedCodes(): Set<string> {
  return new Set(ALL_ANALYZERS.flatMap((a) => a.codes));
}
