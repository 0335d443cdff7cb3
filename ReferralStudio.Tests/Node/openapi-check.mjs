// Judges the app's OpenAPI document against what the app did, with validators that share no code with the
// document's generator: Ajv (JSON Schema, which knows OpenAPI 3.0's `nullable`) and ajv-formats.
//
// stdin:  { document, readme, exchanges: [{ method, url, requestHeaders, requestContentType, requestBody, status, headers, contentType, body }] }
//         (url is path and query; bodies are text, or null when empty or binary; requestHeaders lists the names
//         sent, headers maps the response's; all header names lower-case)
// stdout: { operations: [{ id, method, path, body }], exercised: { <operationId>: [status, ...] },
//           examples: [{ method, path, operationId }], problems: ["..."] }
import Ajv from "ajv";
import addFormats from "ajv-formats";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));
const problems = [];

// Every schema says what it is: a type, a $ref or a composition. An empty schema ({}) would accept anything,
// so the checks below could not catch what it hides.
const schemaKeys = new Set(["schema", "items", "additionalProperties", "not"]);
function eachSchema(node, pointer, visit) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => eachSchema(item, `${pointer}/${i}`, visit));
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (value && typeof value === "object" && (schemaKeys.has(key) || /\/(properties|schemas)$/.test(pointer))) {
        visit(value, at);
      }

      if (Array.isArray(value) && ["allOf", "anyOf", "oneOf"].includes(key)) {
        value.forEach((item, i) => visit(item, `${at}/${i}`));
      }

      eachSchema(value, at, visit);
    }
  }
}

eachSchema(input.document, "#", (schema, at) => {
  if (!schema.type && !schema.$ref && !schema.allOf && !schema.anyOf && !schema.oneOf) {
    problems.push(`${at}: untyped schema ${JSON.stringify(schema)}`);
  }
});

// For the checks, objects are closed: a property the app sends (or README shows) that the document does not
// name is a problem, though OpenAPI would let it pass. Where the document allows any property, it says so.
const doc = structuredClone(input.document);
eachSchema(doc, "#", (schema) => {
  if (schema.type === "object" && schema.properties && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
  }
});

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addFormat("int32", { type: "number", validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n) => Number.isInteger(n) });
ajv.addFormat("double", { type: "number", validate: () => true });
ajv.addFormat("binary", true);
// The whole document is registered, so a pointer into it compiles with its $refs (#/components/schemas/...) resolved.
ajv.addSchema(doc, "openapi.json");

const methods = ["get", "put", "post", "delete", "patch"];
const escape = (segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1");
const operations = Object.entries(doc.paths).flatMap(([path, item]) => methods.filter((m) => item[m]).map((m) => ({
  id: item[m].operationId,
  method: m.toUpperCase(),
  path,
  operation: item[m],
  pointer: `#/paths/${escape(path)}/${m}`,
  pattern: new RegExp("^" + path.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
  templated: (path.match(/\{/g) ?? []).length,
})));

// A literal segment beats a template one, as in routing: /api/triggers/match is not /api/triggers/{id}.
const find = (method, path) => operations
  .filter((o) => o.method === method && o.pattern.test(path))
  .sort((a, b) => a.templated - b.templated)[0];

const mediaType = (contentType) => (contentType ?? "").split(";")[0].trim().toLowerCase();
const isJson = (type) => type === "application/json" || type.endsWith("+json");

function validate(pointer, value, where) {
  const check = ajv.getSchema(`openapi.json${pointer}`);
  if (!check) {
    problems.push(`${where}: no schema at ${pointer}`);
  } else if (!check(value)) {
    const reasons = check.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params.additionalProperty ? `: '${e.params.additionalProperty}'` : ""}`);
    problems.push(`${where}: ${[...new Set(reasons)].join("; ")}\n    value: ${JSON.stringify(value).slice(0, 400)}`);
  }
}

function validateBody(pointer, content, contentType, text, where) {
  const type = mediaType(contentType);
  if (!content?.[type]) {
    problems.push(`${where}: content type '${type}' is not documented (documented: ${Object.keys(content ?? {}).join(", ") || "none"})`);
    return;
  }

  const schemaPointer = `${pointer}/content/${escape(type)}/schema`;
  if (isJson(type)) {
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      problems.push(`${where}: not JSON: ${e.message}`);
      return;
    }

    validate(schemaPointer, value, where);
  } else if (text !== null) {
    validate(schemaPointer, text, where);
  }
}

const exercised = {};
for (const x of input.exchanges) {
  const url = new URL(x.url, "http://app");
  const where = `${x.method} ${x.url} -> ${x.status}`;
  const op = find(x.method, url.pathname);
  if (!op) {
    problems.push(`${where}: no operation in the document`);
    continue;
  }

  (exercised[op.id] ??= []).push(x.status);
  const parameters = op.operation.parameters ?? [];
  for (const name of new Set(url.searchParams.keys())) {
    if (!parameters.some((p) => p.in === "query" && p.name === name)) {
      problems.push(`${where}: query parameter '${name}' is not documented`);
    }
  }

  const success = x.status >= 200 && x.status < 300;
  // Every requirement names a scheme (no empty {} allowing anonymous calls); the only scheme here is HTTP bearer.
  const requirements = op.operation.security ?? doc.security ?? [];
  const secured = requirements.length > 0 && requirements.every((requirement) => Object.keys(requirement).length > 0);
  if (success && secured && !x.requestHeaders.includes("authorization")) {
    problems.push(`${where}: succeeded without the credentials the document requires`);
  }

  if (success) {
    for (const p of parameters.filter((p) => p.required)) {
      const sent = p.in === "query" ? url.searchParams.has(p.name) : p.in === "header" ? x.requestHeaders.includes(p.name.toLowerCase()) : true;
      if (!sent) {
        problems.push(`${where}: succeeded without the required ${p.in} parameter '${p.name}'`);
      }
    }

    if (x.requestBody !== null) {
      if (!op.operation.requestBody) {
        problems.push(`${where}: a request body is not documented`);
      } else {
        validateBody(`${op.pointer}/requestBody`, op.operation.requestBody.content, x.requestContentType, x.requestBody, `${where} (request)`);
      }
    }
  }

  const key = String(x.status);
  const responseKey = [key, `${key[0]}XX`, "default"].find((k) => op.operation.responses[k]);
  if (!responseKey) {
    problems.push(`${where}: status ${x.status} is not documented (documented: ${Object.keys(op.operation.responses).join(", ")})`);
    continue;
  }

  const response = op.operation.responses[responseKey];
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (header.required && !(name.toLowerCase() in x.headers)) {
      problems.push(`${where}: required header '${name}' is missing`);
    }
  }

  const pointer = `${op.pointer}/responses/${responseKey}`;
  if (x.contentType) {
    validateBody(pointer, response.content, x.contentType, x.body, where);
  } else if (Object.keys(response.content ?? {}).length > 0) {
    problems.push(`${where}: the document promises a body (${Object.keys(response.content).join(", ")}), none came`);
  }
}

// README.md: every ```http block is a request line, optional headers, a blank line and a JSON body.
const examples = [];
for (const [, block] of (input.readme ?? "").matchAll(/^```http\n([\s\S]*?)^```/gm)) {
  const [head, ...rest] = block.split(/\n\s*\n/);
  const [requestLine, ...headers] = head.split("\n");
  const [method, path] = requestLine.trim().split(/\s+/);
  const where = `README ${method} ${path}`;
  const op = find(method, new URL(path, "http://app").pathname);
  if (!op) {
    problems.push(`${where}: no operation in the document`);
    continue;
  }

  examples.push({ method, path, operationId: op.id });
  const contentType = headers.map((h) => h.match(/^content-type:\s*(.+)$/i)?.[1]).find(Boolean) ?? "application/json";
  if (!op.operation.requestBody) {
    problems.push(`${where}: the operation takes no request body`);
  } else {
    validateBody(`${op.pointer}/requestBody`, op.operation.requestBody.content, contentType, rest.join("\n\n").trim(), where);
  }
}

process.stdout.write(JSON.stringify({
  operations: operations.map(({ id, method, path, operation }) => ({ id, method, path, body: Boolean(operation.requestBody) })),
  exercised,
  examples,
  problems,
}));
