/**
 * `tag set | generate | list | remove` (src/revisions/tags.ts): istioctl's revision-tag commands,
 * with its messages, prompts and exit codes (istioctl.md §2.15, proxy-debugging.md §2.4).
 */
import type { Command } from 'commander';
import { UsageError, UserError } from '../../core/errors.js';
import { note, writeStdout } from '../../core/output.js';
import type { GlobalOptions } from '../flags.js';
import { withCluster } from '../cluster-session.js';

interface SetOptions {
  revision?: string;
  overwrite?: boolean;
  skipConfirmation?: boolean;
  webhookName?: string;
  autoInjectNamespaces?: boolean;
  manifests?: string;
}

/** istioctl's argument checks for set/generate. */
function oneTag(args: string[], what: 'creation' | 'removal'): string {
  if (args.length === 0) throw new UsageError(`must provide a tag for ${what === 'creation' ? 'modification' : 'removal'}`);
  if (args.length > 1) throw new UsageError(`must provide a single tag for ${what}`);
  return args[0]!;
}

/** An answer to `question` on a terminal; with no terminal to ask on, "no" (istioctl reads EOF as no). */
async function confirm(question: string): Promise<boolean> {
  const { terminalConfirm } = await import('../prompt.js');
  const ask = terminalConfirm(process.stdin, process.stdout);
  if (!ask) {
    writeStdout(`${question} `);
    writeStdout('\n');
    return false;
  }
  return ask(`${question} `);
}

async function setOrGenerate(opts: SetOptions, args: string[], globals: GlobalOptions, generate: boolean): Promise<void> {
  const tag = oneTag(args, 'creation');
  // cobra checks required flags after the arguments, and not as a parse error (exit 1).
  if (!opts.revision) throw new UserError('required flag(s) "revision" not set', { hint: `e.g. sailctl tag ${generate ? 'generate' : 'set'} ${tag} --revision canary` });
  const revision = opts.revision;
  const { planTag, applyTagPlan, formatTagManifest, MWC } = await import('../../revisions/tags.js');
  const { webhookOverlaps } = await import('../../revisions/overlap.js');
  await withCluster(globals, async (cluster) => {
    const plan = await planTag(cluster.res, {
      tag,
      revision,
      istioNamespace: globals.istioNamespace,
      webhookName: opts.webhookName,
      overwrite: opts.overwrite,
      generate,
      autoInjectNamespaces: opts.autoInjectNamespaces,
      userManaged: true,
    });
    // The webhook analyzer over the cluster's injectors with the new tag in place of its old self.
    const webhook = plan.objects[0]!;
    const live = (await cluster.res.list(MWC.apiVersion, MWC.kind)).items.filter((o) => o.metadata.name !== webhook.metadata.name && o.metadata.name !== plan.deactivate?.metadata.name);
    const findings = webhookOverlaps([...live, ...(plan.deactivate ? [plan.deactivate] : []), webhook]).get(webhook.metadata.name) ?? [];
    if (findings.length > 0 && !opts.skipConfirmation) {
      const lines = findings.map((f) => `Error [IST0139] (MutatingWebhookConfiguration ${webhook.metadata.name}) ${f}`).join('\n');
      process.stderr.write(`creating tag would conflict, pass --skip-confirmation to proceed:\n${lines}\n\n`);
      if (!generate && !(await confirm('Apply anyways? [y/N]'))) return;
    }
    if (generate) return writeStdout(await formatTagManifest(plan.objects));
    try {
      await applyTagPlan(cluster.res, plan);
    } catch (err) {
      throw new UserError(`failed to apply tag webhook MutatingWebhookConfiguration to cluster: ${(err as Error).message}`, { cause: err, hint: (err as UserError).hint });
    }
    writeStdout(`Revision tag "${tag}" created, referencing control plane revision "${revision}". To enable injection using this\nrevision tag, use 'kubectl label namespace <NAMESPACE> istio.io/rev=${tag}'\n`);
  });
}

export const set = (opts: SetOptions, args: string[], globals: GlobalOptions, _cmd: Command) => setOrGenerate(opts, args, globals, false);
export const generate = (opts: SetOptions, args: string[], globals: GlobalOptions, _cmd: Command) => setOrGenerate(opts, args, globals, true);

export async function list(opts: { output: string }, args: string[], globals: GlobalOptions): Promise<void> {
  if (args.length !== 0) throw new UsageError('tag list command does not accept arguments');
  const format = opts.output;
  const { listTags } = await import('../../revisions/tags.js');
  const tags = await withCluster(globals, (cluster) => listTags(cluster.res, globals.istioNamespace));
  if (!tags) return writeStdout('No Istio revision tags found.\n');
  if (format === 'json' || format === 'yaml') {
    // Go's MarshalIndent with a tab, fields in struct order; YAML through JSONToYAML (sorted keys).
    const json = JSON.stringify(tags.map((t) => ({ tag: t.tag, revision: t.revision, namespaces: t.namespaces })), null, '\t');
    if (format === 'json') return writeStdout(`${json}\n`);
    const { emitManifestYaml } = await import('../../yaml/fast-stringify.js');
    return writeStdout(`${emitManifestYaml(JSON.parse(json))}\n`);
  }
  if (format !== 'table') throw new UserError(`unknown format: ${format}`);
  const { TabWriter } = await import('../../core/tabwriter.js');
  const w = new TabWriter({ minwidth: 0, padding: 1 }).row('TAG', 'REVISION', 'NAMESPACES');
  for (const t of tags) w.row(t.tag, t.revision, t.namespaces.join(','));
  writeStdout(w.toString());
}

export async function remove(opts: { skipConfirmation?: boolean }, args: string[], globals: GlobalOptions): Promise<void> {
  const tag = oneTag(args, 'removal');
  const { namespacesUsingTag, tagObjects } = await import('../../revisions/tags.js');
  await withCluster(globals, async (cluster) => {
    const objects = await tagObjects(cluster.res, globals.istioNamespace, tag);
    if (!objects.some((o) => o.kind === 'MutatingWebhookConfiguration' || o.kind === 'Service')) {
      throw new UserError(`cannot remove tag "${tag}": cannot find MutatingWebhookConfiguration or Service for tag`, { hint: '`sailctl tag list` shows the tags there are.' });
    }
    const namespaces = await namespacesUsingTag(cluster.res, tag);
    if (namespaces.length > 0 && !opts.skipConfirmation) {
      const question = `Caution, found ${namespaces.length} namespace(s) still injected by tag "${tag}": ${namespaces.join(' ')}\nProceed with operation? [y/N]`;
      if (!(await confirm(question))) {
        writeStdout('Aborting operation.\n');
        if (!process.stdin.isTTY) note(`Pass -y/--skip-confirmation to remove tag "${tag}" anyway; pods in those namespaces would no longer be injected.`);
        return;
      }
    }
    for (const o of objects) await cluster.res.delete(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
    writeStdout(`Revision tag ${tag} removed\n`);
  });
}
