// Static checks of deploy/kubernetes: every manifest validated against the Kubernetes (and KEDA) JSON
// schemas shipped by the npm packages kubernetes-models / @kubernetes-models/keda, plus Fjord's own rules.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

function modelModule(apiVersion) {
  if (apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

export function readKustomization(baseDir) {
  const kustomization = parseAllDocuments(
    readFileSync(path.join(baseDir, 'kustomization.yaml'), 'utf8'),
  )[0].toJS();
  const docs = kustomization.resources.flatMap((file) =>
    existsSync(path.join(baseDir, file))
      ? parseAllDocuments(readFileSync(path.join(baseDir, file), 'utf8')).map((d) => ({
          file,
          doc: d.toJS(),
        }))
      : [{ file, missing: true }],
  );
  return { kustomization, docs };
}

/** Schema validation of each resource. */
export async function checkKubernetesSchemas(baseDir) {
  const { docs } = readKustomization(baseDir);
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

/** Each image has a workload; each worker has a PDB and a KEDA ScaledObject on its queue backlog. */
export function checkKubernetesWiring(baseDir, imageNames) {
  const { kustomization, docs } = readKustomization(baseDir);
  const all = docs.filter((d) => !d.missing).map((d) => d.doc);
  const byKind = (kind) => all.filter((d) => d.kind === kind);
  const problems = [];
  const podSpecs = [
    ...byKind('Deployment').map((d) => d.spec.template),
    ...byKind('Job').map((j) => j.spec.template),
  ];
  const images = new Set(podSpecs.flatMap((t) => t.spec.containers.map((c) => c.image)));
  const tagged = new Set(kustomization.images.map((i) => i.name));
  for (const name of imageNames) {
    if (!images.has(`fjord/${name}`)) problems.push(`no workload runs fjord/${name}`);
    if (!tagged.has(`fjord/${name}`)) problems.push(`kustomization.yaml does not tag fjord/${name}`);
  }
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
    if (!name.startsWith('fjord-worker-')) continue;
    const scaled = byKind('ScaledObject').find((s) => s.spec?.scaleTargetRef?.name === name);
    const query = scaled?.spec.triggers[0]?.metadata?.query ?? '';
    if (!query.includes('fjord_queue_backlog'))
      problems.push(`${name}: no ScaledObject on fjord_queue_backlog`);
  }
  return problems;
}
