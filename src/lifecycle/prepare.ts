/**
 * Inputs to plan: the same resolve + render path `manifest generate` prints, so what install
 * applies is exactly what generate shows for the same flags.
 */
import { resolveIstioOperator } from '../operator/resolve.js';
import type { IstioOperator, ResolveInput } from '../operator/types.js';
import { renderManifests } from '../render/index.js';
import { planInstall, type InstallPlan } from './plan.js';

export interface PreparedInstall {
  iop: IstioOperator;
  profile: string;
  warnings: string[];
  plan: InstallPlan;
}

export async function prepareInstall(input: ResolveInput): Promise<PreparedInstall> {
  const { iop, profile, warnings } = await resolveIstioOperator(input);
  const plan = planInstall(iop, profile, renderManifests(iop));
  return { iop, profile, warnings, plan };
}

/** Plans from an IstioOperator read back from an install record. */
export function planFromIop(iop: IstioOperator): InstallPlan {
  return planInstall(iop, iop.spec.profile ?? 'default', renderManifests(iop));
}
