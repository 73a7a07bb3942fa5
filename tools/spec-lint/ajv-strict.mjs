// The published JSON Schemas under ajv, JavaScript's common validator, in strict mode (Draft
// 2020-12, formats from ajv-formats): every schema must compile without an error or a warning,
// every valid example must pass, and every invalid example must be refused exactly when its
// sidecar says a schema validator refuses it (jsonSchemaWeigert). Run by `tox -e spec`.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const spec = join(root, "spec", "v1");
const warnings = [];
const logger = {
  log: () => {},
  warn: (...args) => warnings.push(args.join(" ")),
  error: (...args) => warnings.push(args.join(" ")),
};
const ajv = new Ajv2020({ strict: true, strictRequired: true, allErrors: true, logger });
addFormats(ajv);

const json = (path) => JSON.parse(readFileSync(path, "utf8"));
const files = (dir) => readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
let failures = 0;
const fail = (message) => {
  failures += 1;
  console.error(`FAIL ${message}`);
};

const schemas = [
  ...files(join(spec, "schemas")).map((f) => join(spec, "schemas", f)),
  ...files(join(spec, "monitoring")).map((f) => join(spec, "monitoring", f)),
  ...files(join(spec, "adresboek"))
    .filter((f) => f.endsWith(".schema.json"))
    .map((f) => join(spec, "adresboek", f)),
];
for (const path of schemas) {
  try {
    ajv.addSchema(json(path));
  } catch (error) {
    fail(`${path}: ${error.message}`);
  }
}
for (const path of schemas) {
  const id = json(path).$id;
  try {
    ajv.getSchema(id) ?? fail(`${path}: not compiled`);
  } catch (error) {
    fail(`${path}: ${error.message}`);
  }
}
for (const warning of warnings) fail(`strict mode: ${warning}`);

const bericht = ajv.getSchema(json(join(spec, "schemas", "bericht.json")).$id);
const examples = join(spec, "examples");
let checked = 0;
for (const name of files(examples)) {
  checked += 1;
  if (!bericht(json(join(examples, name)))) {
    fail(`valid example ${name} refused: ${ajv.errorsText(bericht.errors)}`);
  }
}
const invalid = join(examples, "ongeldig");
for (const name of files(invalid).filter((f) => f.endsWith(".verwacht.json"))) {
  const sidecar = json(join(invalid, name));
  const example = join(invalid, name.replace(".verwacht.json", ".json"));
  if (!("jsonSchemaWeigert" in sidecar) || !existsSync(example)) continue;
  checked += 1;
  let refused;
  try {
    refused = !bericht(json(example));
  } catch {
    refused = true; // not JSON at all
  }
  // With formats checked, ajv may refuse more than a plain validator: never less.
  if (sidecar.jsonSchemaWeigert && !refused) fail(`${name}: the sidecar says refused; ajv accepts`);
}
console.log(`${schemas.length} schemas compiled in strict mode; ${checked} examples checked; ${failures} failures`);
process.exit(failures ? 1 : 0);
