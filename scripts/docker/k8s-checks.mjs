// Static checks of deploy/kubernetes: every manifest validated against the Kubernetes (and KEDA) JSON
// schemas shipped by the npm packages kubernetes-models / @kubernetes-models/keda, plus Fjord's own rules.
// Overlays: every patch must land on a resource the overlay has (kustomize silently skips or adds
// otherwise), and — where kubectl is installed — the overlay is rendered by kustomize itself
// (`kubectl kustomize`, offline) and the output validated like the base.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

function modelModule(apiVersion) {
  if (apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

const parseYaml = (text) =>
  parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter(Boolean);

export function readKustomization(baseDir) {
  const kustomization = parseYaml(readFileSync(path.join(baseDir, 'kustomization.yaml'), 'utf8'))[0];
  const docs = (kustomization.resources ?? []).flatMap((entry) => {
    const full = path.join(baseDir, entry);
    if (!existsSync(full)) return [{ file: entry, missing: true }];
    if (statSync(full).isDirectory()) {
      // A base (or another overlay): its resources, as its own kustomization lists them.
      return readKustomization(full).docs.map((d) => ({ ...d, file: path.join(entry, d.file) }));
    }
    return parseYaml(readFileSync(full, 'utf8')).map((doc) => ({ file: entry, doc }));
  });
  return { kustomization, docs };
}

/** Schema validation of each resource. */
export async function validateDocs(docs) {
  const problems = [];
  for (const { file, doc, missing } of docs) {
    if (missing) {
      problems.push(`kustomization.yaml lists ${file}, which does not exist`);
      continue;
    }
    try {
      const models = await import(modelModule(doc.apiVersion));
      const Model = models[doc.kind];
      if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
      new Model(doc).validate();
    } catch (error) {
      problems.push(`${file} ${doc.kind}/${doc.metadata?.name}: ${error.message}`);
    }
  }
  return problems;
}

export async function checkKubernetesSchemas(baseDir) {
  return validateDocs(readKustomization(baseDir).docs);
}

const imageName = (image) => image.replace(/[:@].*$/, '');

/**
 * Each image has a workload; each Deployment has probes and a PDB; each worker has a KEDA ScaledObject
 * on its queue backlog (unless the manifests carry no ScaledObject at all: an overlay without KEDA).
 */
export function checkWiring(all, imageNames, opts = {}) {
  const byKind = (kind) => all.filter((d) => d.kind === kind);
  const problems = [];
  const podSpecs = [
    ...byKind('Deployment').map((d) => d.spec.template),
    ...byKind('Job').map((j) => j.spec.template),
  ];
  const images = new Set(podSpecs.flatMap((t) => t.spec.containers.map((c) => imageName(c.image))));
  for (const name of imageNames) {
    if (!images.has(`fjord/${name}`)) problems.push(`no workload runs fjord/${name}`);
    if (opts.tagged && !opts.tagged.has(`fjord/${name}`)) {
      problems.push(`kustomization.yaml does not tag fjord/${name}`);
    }
  }
  const hasKeda = byKind('ScaledObject').length > 0;
  for (const deployment of byKind('Deployment')) {
    const name = deployment.metadata.name;
    const labels = deployment.spec.template.metadata.labels;
    const selects = (selector) => Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);
    if (!selects(deployment.spec.selector)) problems.push(`${name}: selector does not match its pods`);
    if (!byKind('PodDisruptionBudget').some((p) => selects(p.spec.selector))) {
      problems.push(`${name}: no PodDisruptionBudget`);
    }
    const container = deployment.spec.template.spec.containers[0];
    if (!container.readinessProbe || !container.livenessProbe) problems.push(`${name}: probes missing`);
    if (!name.startsWith('fjord-worker-') || !hasKeda) continue;
    const scaled = byKind('ScaledObject').find((s) => s.spec?.scaleTargetRef?.name === name);
    const query = scaled?.spec.triggers[0]?.metadata?.query ?? '';
    if (!query.includes('fjord_queue_backlog'))
      problems.push(`${name}: no ScaledObject on fjord_queue_backlog`);
  }
  return problems;
}

export function checkKubernetesWiring(baseDir, imageNames) {
  const { kustomization, docs } = readKustomization(baseDir);
  const tagged = new Set((kustomization.images ?? []).map((i) => i.name));
  return checkWiring(
    docs.filter((d) => !d.missing).map((d) => d.doc),
    imageNames,
    { tagged },
  );
}

export function listOverlays(k8sDir) {
  const dir = path.join(k8sDir, 'overlays');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(path.join(dir, name, 'kustomization.yaml')))
    .map((name) => ({ name, dir: path.join(dir, name) }));
}

const groupOf = (apiVersion = '') => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

function matches(doc, target) {
  if (target.kind && doc.kind !== target.kind) return false;
  if (target.name && doc.metadata?.name !== target.name) return false;
  if (target.group !== undefined && groupOf(doc.apiVersion) !== target.group) return false;
  return true;
}

/** RFC 6901 pointer lookup: does `pointer` name something in `doc`? */
function hasPointer(doc, pointer) {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

const containersOf = (doc) => doc?.spec?.template?.spec?.containers ?? [];

/**
 * Every patch of every overlay lands: a strategic-merge patch names a resource the overlay has (kind,
 * name, API group) and only containers that resource has (an unknown name would add a container with
 * no image); a JSON 6902 patch has a target that selects something and paths that exist there (for
 * replace/remove/test); every `images` entry is an image some workload runs.
 */
export function checkOverlayPatches(overlayDir) {
  const { kustomization, docs } = readKustomization(overlayDir);
  const problems = docs.filter((d) => d.missing).map((d) => `resource ${d.file} does not exist`);
  const resources = docs.filter((d) => !d.missing).map((d) => d.doc);
  for (const [i, entry] of (kustomization.patches ?? []).entries()) {
    const label = entry.path ?? `patches[${i}]`;
    let text = entry.patch;
    if (entry.path) {
      const file = path.join(overlayDir, entry.path);
      if (!existsSync(file)) {
        problems.push(`${label}: file does not exist`);
        continue;
      }
      text = readFileSync(file, 'utf8');
    }
    const patchDocs = parseYaml(text ?? '');
    if (patchDocs.length === 0) {
      problems.push(`${label}: empty patch`);
      continue;
    }
    if (Array.isArray(patchDocs[0])) {
      if (!entry.target) {
        problems.push(`${label}: a JSON 6902 patch needs a target`);
        continue;
      }
      const targets = resources.filter((d) => matches(d, entry.target));
      if (targets.length === 0)
        problems.push(`${label}: target ${JSON.stringify(entry.target)} selects nothing`);
      for (const op of patchDocs[0]) {
        if (!['replace', 'remove', 'test'].includes(op.op)) continue;
        for (const t of targets.filter((d) => !hasPointer(d, op.path))) {
          problems.push(`${label}: ${op.op} ${op.path}: no such path in ${t.kind}/${t.metadata.name}`);
        }
      }
      continue;
    }
    for (const patch of patchDocs) {
      const target = entry.target ?? {
        kind: patch.kind,
        name: patch.metadata?.name,
        group: groupOf(patch.apiVersion),
      };
      const found = resources.filter((d) => matches(d, target));
      if (found.length === 0) {
        problems.push(`${label}: ${patch.kind}/${patch.metadata?.name} is not a resource of this overlay`);
        continue;
      }
      if (patch.$patch === 'delete') continue;
      for (const c of containersOf(patch)) {
        if (!found.every((d) => containersOf(d).some((dc) => dc.name === c.name))) {
          problems.push(`${label}: ${patch.kind}/${patch.metadata.name} has no container "${c.name}"`);
        }
      }
    }
  }
  const running = new Set(resources.flatMap((d) => containersOf(d).map((c) => imageName(c.image ?? ''))));
  for (const image of kustomization.images ?? []) {
    if (!running.has(image.name)) problems.push(`images: ${image.name} is run by no workload`);
  }
  return problems;
}

/** `kubectl kustomize <dir>` (kustomize built into kubectl; offline). undefined when kubectl is absent. */
export function renderOverlay(overlayDir) {
  const result = spawnSync('kubectl', ['kustomize', overlayDir], { encoding: 'utf8', timeout: 60_000 });
  if (result.error?.code === 'ENOENT') return undefined;
  if (result.status !== 0) {
    throw new Error(
      `kubectl kustomize ${overlayDir} failed:\n${(result.stderr || '').split('\n').slice(0, 5).join('\n')}`,
    );
  }
  return parseYaml(result.stdout);
}

/** The rendered overlay: schemas, wiring, one namespace for everything, pinned tags where asked. */
export async function checkRenderedOverlay(overlayDir, imageNames) {
  const rendered = renderOverlay(overlayDir);
  if (rendered === undefined) return { skipped: 'kubectl is not installed: rendering skipped' };
  const problems = [
    ...(await validateDocs(rendered.map((doc) => ({ file: 'rendered', doc })))),
    ...checkWiring(rendered, imageNames),
  ];
  const { kustomization } = readKustomization(overlayDir);
  if (kustomization.namespace) {
    for (const doc of rendered) {
      if (doc.kind !== 'Namespace' && doc.metadata?.namespace !== kustomization.namespace) {
        problems.push(`${doc.kind}/${doc.metadata?.name}: not in namespace ${kustomization.namespace}`);
      }
    }
  }
  return { problems, count: rendered.length };
}
