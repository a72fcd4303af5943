// Validates every manifest in a folder (default: docker/k8s) against the OpenAPI schemas of Kubernetes
// (npm kubernetes-models) and of the Prometheus Operator (@kubernetes-models/prometheus-operator),
// offline: no cluster is needed. Types, required fields, enums and formats are checked; fields the
// schemas do not know are not (they allow additional properties), so OpsK8sManifestsTest also checks
// how the objects refer to each other. Prints one line per object and "N passed, N failed"; exit
// status 1 on any problem.
//
//   cd docker/k8s/validate && npm ci && node validate.mjs ..
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const folder = resolve(process.argv[2] ?? join(import.meta.dirname, ".."));

/** The model class of apiVersion/kind, or null for files that are not cluster objects. */
async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "kustomize.config.k8s.io") {
    return null;
  }
  const module =
    group === "monitoring.coreos.com"
      ? await import(`@kubernetes-models/prometheus-operator/${group}/${version}`)
      : await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  if (!module[kind]) {
    throw new Error(`unknown kind ${kind} in ${apiVersion}`);
  }
  return module[kind];
}

let passed = 0;
let failed = 0;
for (const file of readdirSync(folder).filter((f) => f.endsWith(".yaml")).sort()) {
  const documents = parseAllDocuments(readFileSync(join(folder, file), "utf8"));
  for (const [index, document] of documents.entries()) {
    const where = `${file}#${index + 1}`;
    if (document.errors.length) {
      console.log(`FAIL ${where}: YAML: ${document.errors[0].message}`);
      failed++;
      continue;
    }
    const object = document.toJS();
    if (!object) {
      continue;
    }
    const name = `${where} ${object.apiVersion} ${object.kind}/${object.metadata?.name}`;
    try {
      const model = await modelFor(String(object.apiVersion), String(object.kind));
      if (!model) {
        continue;
      }
      new model(object).validate();
      console.log(`ok   ${name}`);
      passed++;
    } catch (e) {
      console.log(`FAIL ${name}: ${e.message}`);
      failed++;
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
